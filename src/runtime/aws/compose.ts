import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { CognitoTokenVerifier } from "../../adapters/aws/cognito-token-verifier.js";
import { DynamoDbItemStore } from "../../adapters/aws/dynamodb-item-store.js";
import { EventBridgeScheduler } from "../../adapters/aws/eventbridge-scheduler.js";
import { S3ObjectStore } from "../../adapters/aws/s3-object-store.js";
import { S3UploadSigner } from "../../adapters/aws/s3-upload-signer.js";
import { readSecretString } from "../../adapters/aws/secrets.js";
import { SesMailer } from "../../adapters/aws/ses-mailer.js";
import { SqsQueueAdmin } from "../../adapters/aws/sqs-queue-admin.js";
import { StepFunctionsWorkflowRunner } from "../../adapters/aws/step-functions-workflow-runner.js";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import { JwtTokenIssuer } from "../../adapters/local/jwt-token-issuer.js";
import { PdfReceiptRenderer } from "../../adapters/local/pdf-receipt-renderer.js";
import { qrCodeRenderer } from "../../adapters/local/qr-code-renderer.js";
import { ScryptPasswordHasher } from "../../adapters/local/scrypt-password-hasher.js";
import { createUlidGenerator, systemClock } from "../../adapters/local/system-clock.js";
import { TestPaymentGateway } from "../../adapters/local/test-payment-gateway.js";
import { CLOSE_DUE } from "../../application/auctions/auction-schedule.js";
import { CHECKOUT_DUE } from "../../application/auctions/checkout-deadline.js";
import type { Clock } from "../../ports/clock.js";
import type { Mailer } from "../../ports/mailer.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { Scheduler } from "../../ports/scheduler.js";
import type { TokenIssuer } from "../../ports/token-issuer.js";
import type { UploadSigner } from "../../ports/upload-signer.js";
import { composeApplication } from "../shared/compose-application.js";
import type { AwsConfig } from "./config.js";
import { partnerChannel } from "./partner-channel.js";
import { signInTokens } from "./sign-in-tokens.js";
import { unconfigured } from "./unconfigured.js";

/** The AWS SDK clients, created once per Lambda container (tests pass clients pointed at emulators or mocks). */
export interface AwsClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  ses: SESv2Client;
  sqs: SQSClient;
  kinesis: KinesisClient;
  scheduler: SchedulerClient;
  sfn: SFNClient;
  secrets: SecretsManagerClient;
}

/** Region and credentials come from the Lambda environment (AWS_REGION, the role's session credentials). */
export function createAwsClients(): AwsClients {
  return {
    dynamodb: new DynamoDBClient({}),
    s3: new S3Client({}),
    ses: new SESv2Client({}),
    sqs: new SQSClient({}),
    kinesis: new KinesisClient({}),
    scheduler: new SchedulerClient({}),
    sfn: new SFNClient({}),
    secrets: new SecretsManagerClient({}),
  };
}

/**
 * The composition root on AWS: the same application as the local runtime (`composeApplication`), with
 * the AWS adapters. Each Lambda builds it once per container and uses the part its entry point needs
 * (the two stream functions, `outbox-relay.ts` and `order-events.ts`, compose only their own part).
 */
export async function composeAwsRuntime(config: AwsConfig, clients: AwsClients, clock: Clock = systemClock) {
  const logger = createJsonLogger({ level: config.logLevel });
  const ids = createUlidGenerator(clock);
  const store = new DynamoDbItemStore({ client: clients.dynamodb, tableName: config.tableName });
  const bucket = config.objectsBucket;
  const objects = bucket
    ? new S3ObjectStore({ client: clients.s3, bucket })
    : unconfigured<ObjectStore>("The object store", "OBJECTS_BUCKET");
  const signer = bucket
    ? new S3UploadSigner({ client: clients.s3, bucket, clock })
    : unconfigured<UploadSigner>("The upload signer", "OBJECTS_BUCKET");
  const mailer = config.senderEmail
    ? new SesMailer({ client: clients.ses, from: config.senderEmail, store })
    : unconfigured<Mailer>("The mailer", "SENDER_EMAIL");
  const jwtSecret = config.jwtSecretArn ? await readSecretString(clients.secrets, config.jwtSecretArn) : undefined;
  const tokens = signInTokens(
    jwtSecret
      ? new JwtTokenIssuer({ secret: jwtSecret, clock })
      : unconfigured<TokenIssuer>("Sign-in", "JWT_SECRET_ARN"),
    config.userPool ? new CognitoTokenVerifier(config.userPool) : undefined,
  );
  const schedules = config.schedules;
  const scheduler = schedules
    ? new EventBridgeScheduler({
        client: clients.scheduler,
        groupName: schedules.groupName,
        roleArn: schedules.roleArn,
        queueFor: (eventType) => {
          if (eventType === CLOSE_DUE) return schedules.closer;
          if (eventType === CHECKOUT_DUE) return schedules.checkoutDeadlines;
          throw new Error(`No queue takes scheduled ${eventType} events`);
        },
        clock,
      })
    : unconfigured<Scheduler>("The scheduler", "SCHEDULE_GROUP");

  const application = composeApplication({
    store,
    events: store,
    ids,
    clock,
    objects,
    hasher: new ScryptPasswordHasher(),
    tokens,
    signer,
    receipts: new PdfReceiptRenderer(),
    shop: config.shop,
    checkoutWindowMs: config.checkoutWindowMs,
    signUpsPerHour: config.signUpsPerHour,
    logger,
    mailer,
    // Test-mode card payments (tok_visa, tok_chargeDeclined, ...) until a payment provider adapter is added.
    payments: new TestPaymentGateway({ store, ids, clock, failureRate: 0 }),
    scheduler,
    qr: qrCodeRenderer,
    delivery: partnerChannel("delivery", { config, secrets: clients.secrets, clock, mailer }),
    customerService: partnerChannel("customer-service", { config, secrets: clients.secrets, clock, mailer }),
  });
  const workflows = new StepFunctionsWorkflowRunner({
    client: clients.sfn,
    stateMachineArns: config.stateMachineArns,
  });

  return {
    config,
    clients,
    clock,
    logger,
    store,
    tokens,
    application,
    /** Every queue consumer, named like its SQS queue. */
    consumers: application.consumers(workflows),
    queues: new SqsQueueAdmin({ client: clients.sqs, queues: config.deadLetterQueues, errors: store }),
  };
}

export type AwsRuntime = Awaited<ReturnType<typeof composeAwsRuntime>>;
