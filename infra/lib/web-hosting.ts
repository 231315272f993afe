import { existsSync } from "node:fs";
import { join } from "node:path";
import { Annotations, Duration, Stack, Token, Validations } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";

export interface WebHostingProps {
  readonly webBucket: s3.IBucket;
  readonly logBucket: s3.IBucket;
  /** Optional own domain, served with this ACM certificate (us-east-1); point a CNAME/alias at the distribution. */
  readonly domain?: { name: string; certificateArn: string };
}

const WEB_DIST = join(import.meta.dirname, "..", "..", "web", "dist");

/** The React app from the private web bucket through CloudFront with Origin Access Control. */
export class WebHosting extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** Where shoppers open the shop: the own domain, or the distribution's cloudfront.net name. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    // Referenced by attributes: the read grant for CloudFront is in the stateful stack's bucket policy, so this
    // stack does not edit a policy owned by the other stack (which would make the stacks depend on each other).
    const bucket = s3.Bucket.fromBucketAttributes(this, "WebBucket", {
      bucketArn: props.webBucket.bucketArn,
      bucketRegionalDomainName: props.webBucket.bucketRegionalDomainName,
    });
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
          comment: "orderflow web app: no framing, no Referer (tracking links carry tokens), no sniffing, HSTS",
          securityHeadersBehavior: {
            // Framing only: the API and the presigned upload host are other origins, which a full policy
            // here would have to list (the local runtime sends the full policy: src/runtime/local/web-app.ts).
            contentSecurityPolicy: { contentSecurityPolicy: "frame-ancestors 'none'", override: true },
            frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
            referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
            contentTypeOptions: { override: true },
            strictTransportSecurity: {
              accessControlMaxAge: Duration.days(365),
              includeSubdomains: true,
              override: true,
            },
          },
        }),
      },
      defaultRootObject: "index.html",
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, "Certificate", props.domain.certificateArn),
          }
        : {}),
      // Client-side routes: unknown paths load the single-page app.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: "/index.html",
        ttl: Duration.minutes(1),
      })),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: "cdn/",
    });
    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;
    Annotations.of(this).acknowledgeWarning(
      "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac",
      "The stateful stack's web bucket policy already grants cloudfront.amazonaws.com s3:GetObject for this account's distributions.",
    );
    Validations.of(this.distribution).acknowledge(
      {
        id: "AwsSolutions-CFR1",
        reason:
          "The shop sells to any country it delivers to; delivery addresses are validated by the app, not by geography at the edge.",
      },
      {
        id: "AwsSolutions-CFR2",
        reason:
          "The distribution serves only static files of the web app (no API behind it); a WAF web ACL adds cost without protecting data. Revisit when a custom domain and API origin are added.",
      },
      {
        id: "AwsSolutions-CFR4",
        reason:
          "Without the optional custom domain the default *.cloudfront.net certificate is used, whose minimum protocol CloudFront fixes at TLSv1; TLS_V1_2_2021 is already set and applies as soon as a certificate is configured.",
      },
    );
  }

  /**
   * Uploads the built web app (`npm run build:web`) and a `config.json` telling it where the API is
   * (the HTTP API's own URL; the app calls it cross-origin, allowed by the API's CORS policy).
   */
  deployApp(webBucket: s3.IBucket, apiUrl: string): void {
    if (!existsSync(join(WEB_DIST, "index.html"))) {
      throw new Error("web/dist is missing: run `npm run build:web` before synthesizing for a deploy");
    }
    new s3deploy.BucketDeployment(this, "App", {
      destinationBucket: webBucket,
      sources: [s3deploy.Source.asset(WEB_DIST), s3deploy.Source.jsonData("config.json", { apiUrl })],
      distribution: this.distribution,
      distributionPaths: ["/index.html", "/config.json"],
      memoryLimit: 512,
    });
    // The custom resource's handler is a singleton at stack level, not a child of `deployment`.
    const handler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith("Custom::CDKBucketDeployment"),
    );
    if (!handler) throw new Error("BucketDeployment created no handler function");
    const stack = Stack.of(this);
    Validations.of(handler).acknowledge(
      {
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason: "The CDK BucketDeployment custom resource's own handler; it runs at deploy time only.",
      },
      // The handler copies every file of the web app from the CDK asset bucket into the web bucket (object names
      // are content hashes) and invalidates the distribution; these are the grants BucketDeployment makes for that.
      ...[
        "Action::s3:GetObject*",
        "Action::s3:GetBucket*",
        "Action::s3:List*",
        "Action::s3:DeleteObject*",
        "Action::s3:Abort*",
        `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${nagName(stack.account, "AccountId")}-${nagName(stack.region, "Region")}/*`,
        "Resource::OrderflowStateful:ExportsOutputFnGetAttWebBucket12880F5BArn1136CAB2/*",
        "Resource::*",
      ].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "CDK's BucketDeployment handler (deploy time only) syncs the built web app from the CDK asset bucket into the web bucket and invalidates the CloudFront distribution (cloudfront:CreateInvalidation has no resource-level permission).",
      })),
      {
        id: "AwsSolutions-L1",
        reason: "The runtime of the CDK BucketDeployment handler is chosen by aws-cdk-lib, not by this app.",
      },
    );
  }
}

/** How cdk-nag writes a value in a finding id: itself when known at synthesis, else the pseudo parameter. */
function nagName(value: string, pseudo: "AccountId" | "Region"): string {
  return Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
}
