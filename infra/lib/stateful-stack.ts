import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  CONSUMER_TIMEOUT_SECONDS,
  OBJECT_PREFIXES,
  OBJECTS_BUCKET_NAME,
  pascal,
  QUEUE_NAMES,
  type QueueName,
  VISIBILITY_TIMEOUT_FACTOR,
} from "./names.js";
import { QueueWithDlq } from "./queue-with-dlq.js";

/** Everything that holds data: table, buckets, event stream, queues, webhook secrets. Retained on delete. */
export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly objectsBucket: s3.Bucket;
  readonly webBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly cdnLogsBucket: s3.Bucket;
  readonly orderEvents: kinesis.Stream;
  readonly queues: Record<QueueName, QueueWithDlq>;
  /** On-failure destinations of the stream event sources (records that exhausted their retries). */
  readonly outboxRelayFailures: sqs.Queue;
  readonly orderEventsFailures: sqs.Queue;
  /** Object-created events of uploaded agreements EventBridge could not deliver to their function. */
  readonly agreementEventFailures: sqs.Queue;
  readonly deliveryWebhookSecret: secretsmanager.Secret;
  readonly customerServiceWebhookSecret: secretsmanager.Secret;
  /** HS256 key of the app's own sign-in tokens (POST /auth/sign-in). */
  readonly jwtSigningSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The outbox relay reads new outbox items from the stream; old images are never needed.
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      // Idempotency records and other short-lived items expire on their own.
      timeToLiveAttribute: "expiresAt",
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Keys only: an item's index entry is written when its index key changes, not on every update of
    // the item (an order changes nine times on its way); a query reads the items by these keys.
    for (const index of ["gsi1", "gsi2"]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `${index}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      });
    }

    this.accessLogsBucket = new s3.Bucket(this, "AccessLogsBucket", {
      ...privateBucket(),
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    // The access-log bucket cannot log into itself (it would log its own log writes forever).
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the server-access-log bucket of the other buckets; logging it into itself would loop.",
    });

    this.objectsBucket = new s3.Bucket(this, "ObjectsBucket", {
      ...privateBucket(),
      bucketName: OBJECTS_BUCKET_NAME,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "objects/",
      // A refused upload is deleted, which in a versioned bucket only hides it: its bytes go after a week.
      lifecycleRules: [
        {
          prefix: OBJECT_PREFIXES.agreements,
          noncurrentVersionExpiration: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
      ],
      // "Object Created" events go to EventBridge: an uploaded listing agreement is attached to its auction.
      eventBridgeEnabled: true,
      // Sellers upload listing agreements straight from the browser with a presigned PUT.
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
          allowedOrigins: ["*"],
          allowedHeaders: ["content-type", "content-length", "if-none-match", "x-amz-*"],
          maxAge: 3000,
        },
      ],
    });

    this.webBucket = new s3.Bucket(this, "WebBucket", {
      ...privateBucket(),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "web/",
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudFront (OAC) reads the web app. The distribution lives in the stateless stack; naming its id here
    // would make the two stacks depend on each other, so the grant is scoped to distributions of this account.
    this.webBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudFrontOacRead",
        principals: [new iam.ServicePrincipal("cloudfront.amazonaws.com")],
        actions: ["s3:GetObject"],
        resources: [this.webBucket.arnForObjects("*")],
        conditions: {
          StringEquals: { "AWS:SourceAccount": this.account },
          ArnLike: { "AWS:SourceArn": `arn:${this.partition}:cloudfront::${this.account}:distribution/*` },
        },
      }),
    );

    // CloudFront standard logging writes with ACLs, so this bucket keeps object-writer ownership.
    this.cdnLogsBucket = new s3.Bucket(this, "CdnLogsBucket", {
      ...privateBucket(),
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "cdn-logs/",
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });

    this.orderEvents = new kinesis.Stream(this, "OrderEvents", {
      // AWS-managed key (aws/kinesis): encrypted at rest without per-call KMS charges (cdk-nag KDS3).
      encryption: kinesis.StreamEncryption.MANAGED,
      streamMode: kinesis.StreamMode.ON_DEMAND,
      retentionPeriod: Duration.hours(24),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [
        name,
        new QueueWithDlq(this, pascal(name), {
          visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT_SECONDS[name] * VISIBILITY_TIMEOUT_FACTOR),
        }),
      ]),
    ) as Record<QueueName, QueueWithDlq>;

    // Turning on EventBridge notifications adds CDK's bucket-notifications handler (a stack singleton).
    const notificationsHandler = this.node.children.find((child) =>
      child.node.id.startsWith("BucketNotificationsHandler"),
    );
    if (!notificationsHandler) throw new Error("The objects bucket created no notifications handler");
    Validations.of(notificationsHandler).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason:
        "CDK's own custom-resource handler that switches on the bucket's EventBridge notifications at deploy time; it writes only its logs.",
    });

    this.outboxRelayFailures = failureQueue(this, "OutboxRelayFailures");
    this.orderEventsFailures = failureQueue(this, "OrderEventsFailures");
    this.agreementEventFailures = failureQueue(
      this,
      "AgreementEventFailures",
      "an EventBridge rule target's dead-letter queue",
    );
    // The rule lives in the stateless stack; EventBridge may drop its undeliverable events here.
    this.agreementEventFailures.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        actions: ["sqs:SendMessage"],
        resources: [this.agreementEventFailures.queueArn],
        conditions: {
          ArnLike: { "aws:SourceArn": `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/*` },
        },
      }),
    );

    this.deliveryWebhookSecret = webhookSecret(this, "DeliveryWebhookSecret", "delivery company");
    this.customerServiceWebhookSecret = webhookSecret(this, "CustomerServiceWebhookSecret", "customer service");
    this.jwtSigningSecret = new secretsmanager.Secret(this, "JwtSigningSecret", {
      description: "HS256 key orderflow signs its sign-in tokens with",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.jwtSigningSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "Rotating the token key signs every user out at once; it is rotated by hand in a planned change (tokens live 12 hours), not by a rotation Lambda.",
    });

    // `npm run aws:bootstrap -- --table <TableName> ...` creates the staff accounts and the catalog in it.
    new CfnOutput(this, "TableName", { value: this.table.tableName });
  }
}

function privateBucket(): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

function webhookSecret(scope: Construct, id: string, party: string): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description: `HMAC key orderflow signs ${party} webhooks with`,
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: "AwsSolutions-SMG4",
    reason: `The ${party} webhook key is shared with a third party that must switch keys at the same moment; it is rotated by hand in a coordinated change, not by a rotation Lambda.`,
  });
  return secret;
}

function failureQueue(
  scope: Construct,
  id: string,
  what = "a stream event source's on-failure destination",
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: "AwsSolutions-SQS3",
    reason: `This queue is itself a dead-letter destination: ${what}. It has an alarm on depth; giving it another DLQ would only move the problem.`,
  });
  return queue;
}
