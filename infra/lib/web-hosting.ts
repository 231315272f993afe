import { Annotations, Duration, Validations } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

export interface WebHostingProps {
  readonly webBucket: s3.IBucket;
  readonly logBucket: s3.IBucket;
}

/** The React app from the private web bucket through CloudFront with Origin Access Control. */
export class WebHosting extends Construct {
  readonly distribution: cloudfront.Distribution;

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
      },
      defaultRootObject: "index.html",
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
}
