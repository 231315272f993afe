import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, KinesisEventSource, SqsDlq, SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as ses from "aws-cdk-lib/aws-ses";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { appFunction, type CodeMode } from "./app-function.js";
import { LAMBDA_ENTRIES } from "./bundling.js";
import type { AppConfig } from "./config.js";
import { grantDeliveryErrorRecords, grantObjects, grantSendEmail, grantTableReadWrite } from "./grants.js";
import { Monitoring } from "./monitoring.js";
import {
  CONSUMER_BATCH_SIZE,
  CONSUMER_TIMEOUT_SECONDS,
  OBJECT_PREFIXES,
  ORDER_EVENTS_BATCH,
  pascal,
  QUEUE_NAMES,
  type QueueName,
  SCHEDULE_GROUP_NAME,
} from "./names.js";
import type { StatefulStack } from "./stateful-stack.js";
import { WebHosting } from "./web-hosting.js";
import { Workflow } from "./workflow.js";

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulStack;
  readonly config: AppConfig;
  /** `bundle` for deploys; `asset-free` (inline stub code) for tests. See app-function.ts. */
  readonly code: CodeMode;
}

/** Bounded retries for stream event sources: a poison record is split out, retried a few times, then parked. */
const STREAM_RETRY = {
  bisectBatchOnError: true,
  retryAttempts: 5,
  maxRecordAge: Duration.hours(6),
  reportBatchItemFailures: true,
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  batchSize: 100,
} as const;

/**
 * Functions, API, workflows, scheduling, e-mail, identity, CDN and monitoring. Holds no data of its own.
 *
 * Lambda entry points are under `src/runtime/aws/` (http.ts, consumer.ts, workflow-task.ts,
 * outbox-relay.ts, order-events.ts); tests synthesize with `code: "asset-free"` and do not bundle them.
 */
export class StatelessStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly functions: Record<string, lambda.Function> = {};

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful, config, code } = props;
    const { table, objectsBucket, queues } = stateful;

    // The sender is verified in SES before the first deploy (README): a stack creating the identity would
    // fail on an address verified already, and leave mail failing until someone clicked the link.
    const sender = ses.EmailIdentity.fromEmailIdentityName(this, "SenderIdentity", config.senderEmail);

    const scheduleGroup = new scheduler.ScheduleGroup(this, "AuctionScheduleGroup", {
      scheduleGroupName: SCHEDULE_GROUP_NAME,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // EventBridge Scheduler assumes this role to drop "close due" / "checkout due" messages on their queues.
    const schedulerRole = new iam.Role(this, "SchedulerRole", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
      description: "Role EventBridge Scheduler uses to deliver auction timers to SQS",
    });
    // ...and to park a timer it could not deliver in that queue's dead-letter queue.
    for (const name of ["auction-closer", "auction-checkout-deadlines"] as const) {
      queues[name].queue.grantSendMessages(schedulerRole);
      queues[name].deadLetterQueue.grantSendMessages(schedulerRole);
    }
    // Every five minutes the closer sweeps: auctions whose close timer was missed or dead-lettered still
    // close (the local runtime sweeps on its own timer). The message is a stored event of the type the
    // closer takes for it (SWEEP_DUE in src/application/auctions/auction-schedule.ts).
    new scheduler.CfnSchedule(this, "AuctionSweepSchedule", {
      groupName: scheduleGroup.scheduleGroupName,
      description: "Close auctions whose end passed without their close timer firing",
      scheduleExpression: "rate(5 minutes)",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: queues["auction-closer"].queue.queueArn,
        roleArn: schedulerRole.roleArn,
        input: JSON.stringify({
          seq: 0,
          id: "auction-sweep",
          type: "auction_sweep_due",
          key: "auctions",
          at: "1970-01-01T00:00:00.000Z",
          data: {},
        }),
        deadLetterConfig: { arn: queues["auction-closer"].deadLetterQueue.queueArn },
        retryPolicy: { maximumEventAgeInSeconds: 300, maximumRetryAttempts: 3 },
      },
    });

    const web = new WebHosting(this, "Web", {
      webBucket: stateful.webBucket,
      logBucket: stateful.cdnLogsBucket,
      ...(config.domainName ? { domain: { name: config.domainName, certificateArn: config.certificateArn } } : {}),
    });
    const baseEnv = {
      TABLE_NAME: table.tableName,
      OBJECTS_BUCKET: objectsBucket.bucketName,
      SENDER_EMAIL: config.senderEmail,
      MAKER_EMAIL: config.makerEmail,
      // Links in e-mails and QR codes point at the web app.
      PUBLIC_URL: web.url,
    };
    const add = (name: string, fn: lambda.Function) => {
      this.functions[name] = fn;
      return fn;
    };

    // Workflows (Express, synchronous from their consumer) and their task functions.
    const orderPipeline = new Workflow(this, "OrderPipeline", {
      aslFile: "workflows/order-pipeline.asl.json",
      taskEntry: LAMBDA_ENTRIES.workflowTask,
      workflowName: "order-pipeline",
      code,
      environment: baseEnv,
      timeouts: { IssueReceipt: 60 },
    });
    for (const [task, fn] of Object.entries(orderPipeline.tasks)) {
      add(`OrderPipeline${task}`, fn);
      grantTableReadWrite(fn, table);
    }
    acknowledgeObjectPrefixes(orderPipeline.tasks.IssueReceipt!, ["receipts"]);
    grantObjects(orderPipeline.tasks.IssueReceipt!, OBJECT_PREFIXES.receipts, ["read", "write"]);
    for (const task of ["IssueReceipt", "NotifyMaker", "NotifyFailure"]) {
      grantSendEmail(orderPipeline.tasks[task]!, sender.emailIdentityArn);
    }

    const auctionCheckout = new Workflow(this, "AuctionCheckout", {
      aslFile: "workflows/auction-checkout.asl.json",
      taskEntry: LAMBDA_ENTRIES.workflowTask,
      workflowName: "auction-checkout",
      code,
      environment: baseEnv,
    });
    for (const [task, fn] of Object.entries(auctionCheckout.tasks)) {
      add(`AuctionCheckout${task}`, fn);
      grantTableReadWrite(fn, table);
    }

    // HTTP API: one Hono app behind API Gateway v2.
    const userPool = new cognito.UserPool(this, "UserPool", {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of ["customer", "maker", "courier", "seller", "admin"]) {
      userPool.addGroup(`${pascal(group)}Group`, { groupName: group });
    }
    const webClient = userPool.addClient("WebClient", {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
    });
    Validations.of(userPool).acknowledge(
      {
        id: "AwsSolutions-COG2",
        reason:
          "Shoppers (and guests turning into customers) must not be forced into MFA to buy a cake; TOTP MFA is offered (optional) and staff roles can be required to enrol by policy.",
      },
      {
        id: "AwsSolutions-COG8",
        reason:
          "The Plus feature plan is priced per monthly active user and only adds threat protection (see COG3); the Essentials plan covers sign-up, groups and MFA.",
      },
      {
        id: "AwsSolutions-COG3",
        reason:
          "Threat protection (advanced security) needs the Cognito Plus plan, priced per active user; the shop relies on the strong password policy, optional MFA and API throttling instead.",
      },
    );

    const http = add(
      "Http",
      appFunction(this, "HttpFunction", {
        code,
        entry: LAMBDA_ENTRIES.http,
        timeout: Duration.seconds(29),
        memorySize: 1024,
        environment: {
          ...baseEnv,
          USER_POOL_ID: userPool.userPoolId,
          USER_POOL_CLIENT_ID: webClient.userPoolClientId,
          JWT_SECRET_ARN: stateful.jwtSigningSecret.secretArn,
          DEAD_LETTER_QUEUES: this.toJsonString(
            Object.fromEntries(
              QUEUE_NAMES.map((name) => [
                name,
                { queue: queues[name].queue.queueUrl, dlq: queues[name].deadLetterQueue.queueUrl },
              ]),
            ),
          ),
        },
      }),
    );
    grantTableReadWrite(http, table);
    stateful.jwtSigningSecret.grantRead(http);
    // Password reset links are e-mailed by the request that asks for one (the token never enters an event).
    grantSendEmail(http, sender.emailIdentityArn);
    acknowledgeObjectPrefixes(http, ["receipts", "qrCodes", "agreements"]);
    grantObjects(http, OBJECT_PREFIXES.receipts, ["read"]);
    grantObjects(http, OBJECT_PREFIXES.qrCodes, ["read"]);
    // Presigned upload of listing agreements is signed with this role, so it needs PutObject on that prefix.
    grantObjects(http, OBJECT_PREFIXES.agreements, ["read", "write"]);
    // Admin dead-letter view and redrive: read/delete on each DLQ, send back to its source queue.
    for (const name of QUEUE_NAMES) {
      queues[name].deadLetterQueue.grantConsumeMessages(http);
      queues[name].queue.grantSendMessages(http);
    }
    // Redriving a whole DLQ is an SQS message move task.
    http.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks"],
        resources: QUEUE_NAMES.map((name) => queues[name].deadLetterQueue.queueArn),
      }),
    );

    const accessLogs = new logs.LogGroup(this, "ApiAccessLogs", {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigwv2.HttpApi(this, "HttpApi", {
      defaultIntegration: new HttpLambdaIntegration("HttpIntegration", http),
      createDefaultStage: false,
    });
    new apigwv2.HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "Guests must be able to browse and order without an account, so routes cannot all require an authorizer; the Hono app verifies the Cognito JWT itself and checks every object-level access (tested in test/e2e).",
    });

    // One consumer Lambda per queue; partial batch failures keep good messages out of retries.
    const scheduleArn = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${SCHEDULE_GROUP_NAME}/*`;
    const consumerEnv = (name: QueueName): Record<string, string> => ({ ...baseEnv, QUEUE_NAME: name });
    const consumers = {} as Record<QueueName, lambda.Function>;
    for (const name of QUEUE_NAMES) {
      const fn = add(
        `Consumer${pascal(name)}`,
        appFunction(this, `${pascal(name)}Consumer`, {
          code,
          entry: LAMBDA_ENTRIES.consumer,
          timeout: Duration.seconds(CONSUMER_TIMEOUT_SECONDS[name]),
          environment: consumerEnv(name),
        }),
      );
      fn.addEventSource(
        new SqsEventSource(queues[name].queue, { batchSize: CONSUMER_BATCH_SIZE[name], reportBatchItemFailures: true }),
      );
      grantDeliveryErrorRecords(fn, table); // why a message failed, for the dead-letter view
      consumers[name] = fn;
    }
    orderPipeline.grantStart(consumers["order-pipeline"]);
    consumers["order-pipeline"].addEnvironment(
      "STATE_MACHINE_ARNS",
      this.toJsonString({ "order-pipeline": orderPipeline.stateMachine.stateMachineArn }),
    );
    auctionCheckout.grantStart(consumers["auction-checkout"]);
    consumers["auction-checkout"].addEnvironment(
      "STATE_MACHINE_ARNS",
      this.toJsonString({ "auction-checkout": auctionCheckout.stateMachine.stateMachineArn }),
    );
    grantTableReadWrite(consumers["delivery-requests"], table);
    grantTableReadWrite(consumers["auction-closer"], table);
    // The mailer records each message id it sends (at most once), so every e-mailing function writes the table.
    grantTableReadWrite(consumers["auction-notifications"], table);
    grantSendEmail(consumers["auction-notifications"], sender.emailIdentityArn);
    acknowledgeObjectPrefixes(consumers["auction-qr-codes"], ["qrCodes"]);
    grantObjects(consumers["auction-qr-codes"], OBJECT_PREFIXES.qrCodes, ["write"]);

    const channels = [
      ["delivery", stateful.deliveryWebhookSecret, config.deliveryWebhookUrl, config.deliveryEmail],
      [
        "customer-service",
        stateful.customerServiceWebhookSecret,
        config.customerServiceWebhookUrl,
        config.customerServiceEmail,
      ],
    ] as const;
    for (const [name, secret, url, email] of channels) {
      const fn = consumers[name];
      grantTableReadWrite(fn, table);
      secret.grantRead(fn);
      grantSendEmail(fn, sender.emailIdentityArn);
      fn.addEnvironment("WEBHOOK_URL", url);
      fn.addEnvironment("WEBHOOK_SECRET_ARN", secret.secretArn);
      fn.addEnvironment("CHANNEL_EMAIL", email);
    }

    for (const name of ["auction-schedules", "auction-checkout-deadlines"] as const) {
      const fn = consumers[name];
      grantTableReadWrite(fn, table);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [
            "scheduler:CreateSchedule",
            "scheduler:UpdateSchedule",
            "scheduler:DeleteSchedule",
            "scheduler:GetSchedule",
          ],
          resources: [scheduleArn],
        }),
      );
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ["iam:PassRole"],
          resources: [schedulerRole.roleArn],
          conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
        }),
      );
      fn.addEnvironment("SCHEDULE_GROUP", scheduleGroup.scheduleGroupName);
      fn.addEnvironment("SCHEDULER_ROLE_ARN", schedulerRole.roleArn);
      fn.addEnvironment("CLOSER_QUEUE_ARN", queues["auction-closer"].queue.queueArn);
      fn.addEnvironment("CHECKOUT_DEADLINES_QUEUE_ARN", queues["auction-checkout-deadlines"].queue.queueArn);
      fn.addEnvironment("CLOSER_DLQ_ARN", queues["auction-closer"].deadLetterQueue.queueArn);
      fn.addEnvironment("CHECKOUT_DEADLINES_DLQ_ARN", queues["auction-checkout-deadlines"].deadLetterQueue.queueArn);
      Validations.of(fn.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${SCHEDULE_GROUP_NAME}/*]`,
        reason:
          "Schedules are created per auction at run time, so their names are not known at deploy time; access is limited to this app's schedule group.",
      });
    }

    // Outbox relay: the table's stream -> the subscribed queues and the order-events Kinesis stream.
    const relay = add(
      "OutboxRelay",
      appFunction(this, "OutboxRelayFunction", {
        code,
        entry: LAMBDA_ENTRIES.outboxRelay,
        timeout: Duration.seconds(60),
        environment: {
          // The relay routes by the consumers' event types (src/handlers/consumers/event-routes.ts); it reads no items.
          TABLE_NAME: table.tableName,
          QUEUE_URLS: this.toJsonString(
            Object.fromEntries(QUEUE_NAMES.map((name) => [name, queues[name].queue.queueUrl])),
          ),
          ORDER_EVENTS_STREAM: stateful.orderEvents.streamName,
        },
      }),
    );
    // The relay retries until it succeeds (or the stream's 24 h retention ends): a stream's failure queue
    // holds only pointers to records, gone with the stream, so giving up would lose orders for good. A
    // stuck relay shows as iterator age (Monitoring alarms on it).
    relay.addEventSource(
      new DynamoEventSource(table, {
        ...STREAM_RETRY,
        retryAttempts: undefined,
        maxRecordAge: undefined,
        onFailure: new SqsDlq(stateful.outboxRelayFailures),
        // Only new outbox items (isOutboxItem in src/handlers/aws/outbox-relay.ts) invoke the relay, not
        // every write to the table: the usage meter counts relay invocations per event so.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual("INSERT"),
            dynamodb: { NewImage: { pk: { S: lambda.FilterRule.beginsWith("EVT#") } } },
          }),
        ],
      }),
    );
    Validations.of(relay.role!).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "dynamodb:ListStreams, added by the DynamoDB event source, is a list action that supports no resource-level permission; every other statement of this role names its table stream, queues and Kinesis stream.",
    });
    for (const name of QUEUE_NAMES) queues[name].queue.grantSendMessages(relay);
    stateful.orderEvents.grantWrite(relay);

    // Order events on Kinesis: the order activity projection counts each batch of a shard in one write.
    const orderEventsConsumer = add(
      "OrderEvents",
      appFunction(this, "OrderEventsFunction", {
        code,
        entry: LAMBDA_ENTRIES.orderEvents,
        timeout: Duration.seconds(60),
        environment: baseEnv,
      }),
    );
    orderEventsConsumer.addEventSource(
      new KinesisEventSource(stateful.orderEvents, {
        ...STREAM_RETRY,
        batchSize: ORDER_EVENTS_BATCH.size,
        maxBatchingWindow: Duration.seconds(ORDER_EVENTS_BATCH.windowSeconds),
        onFailure: new SqsDlq(stateful.orderEventsFailures),
      }),
    );
    grantTableReadWrite(orderEventsConsumer, table);

    // Listing agreements uploaded straight to S3 (presigned PUT) are attached to their auction.
    const objectCreated = add(
      "ObjectCreated",
      appFunction(this, "ObjectCreatedFunction", {
        code,
        entry: LAMBDA_ENTRIES.objectCreated,
        timeout: Duration.seconds(30),
        environment: baseEnv,
      }),
    );
    grantTableReadWrite(objectCreated, table);
    // An upload that does not match its grant is deleted.
    acknowledgeObjectPrefixes(objectCreated, ["agreements"]);
    grantObjects(objectCreated, OBJECT_PREFIXES.agreements, ["delete"]);
    new events.Rule(this, "AgreementUploadedRule", {
      description: "A listing agreement was uploaded to the objects bucket",
      eventPattern: {
        source: ["aws.s3"],
        detailType: ["Object Created"],
        detail: {
          bucket: { name: [objectsBucket.bucketName] },
          object: { key: [{ prefix: OBJECT_PREFIXES.agreements }] },
        },
      },
      targets: [
        new eventTargets.LambdaFunction(objectCreated, {
          retryAttempts: 10,
          maxEventAge: Duration.hours(2),
          // An upload event EventBridge gave up on is kept (and alarmed on) rather than dropped. The queue's
          // own policy (stateful stack) lets EventBridge send to it; referenced by ARN so that CDK does not
          // add a policy naming this rule there, which would tie the two stacks in a cycle.
          deadLetterQueue: sqs.Queue.fromQueueArn(
            this,
            "AgreementEventFailuresByArn",
            stateful.agreementEventFailures.queueArn,
          ),
        }),
      ],
    });

    new Monitoring(this, "Monitoring", {
      api: this.api,
      functions: this.functions,
      deadLetterQueues: {
        ...Object.fromEntries(QUEUE_NAMES.map((name) => [pascal(name), queues[name].deadLetterQueue])),
        OutboxRelayFailures: stateful.outboxRelayFailures,
        OrderEventsFailures: stateful.orderEventsFailures,
        AgreementEventFailures: stateful.agreementEventFailures,
      },
      outboxRelay: relay,
      adminEmail: config.adminEmail,
    });

    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Functions target Node.js 22 on purpose: the bundles are built and tested for node22 (esbuild target) and 22 is a supported LTS runtime; moving to a newer runtime is a tested change of its own, not an automatic one.",
    });

    if (code === "bundle") web.deployApp(stateful.webBucket, this.api.apiEndpoint);

    new CfnOutput(this, "ApiUrl", { value: this.api.apiEndpoint });
    new CfnOutput(this, "WebUrl", { value: web.url });
    new CfnOutput(this, "UserPoolId", { value: userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: webClient.userPoolClientId });
  }
}

/** Object-level access is granted per key prefix; the object names under it are created at run time. */
function acknowledgeObjectPrefixes(fn: lambda.Function, prefixes: ReadonlyArray<keyof typeof OBJECT_PREFIXES>): void {
  for (const prefix of prefixes) {
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::orderflow-objects-<AWS::AccountId>-<AWS::Region>/${OBJECT_PREFIXES[prefix]}*]`,
      reason: `Objects under ${OBJECT_PREFIXES[prefix]} are named per order/auction at run time; access is limited to that one prefix of the objects bucket.`,
    });
  }
}
