import { readFileSync } from "node:fs";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { agreementObjectKey } from "../../src/application/auctions/agreement-upload.js";
import { auctionQrKey } from "../../src/application/auctions/auction-qr.js";
import { SWEEP_DUE } from "../../src/application/auctions/auction-schedule.js";
import { receiptObjectKey } from "../../src/application/orders/pipeline/pipeline-deps.js";
import { REPO_ROOT } from "../lib/app-function.js";
import { OBJECT_PREFIXES, ORDER_EVENTS_BATCH, QUEUE_NAMES } from "../lib/names.js";
import { buildApp, templates } from "./build-app.js";
import { asArray, policyStatements, referencedLogicalId, resourcesOf } from "./template-helpers.js";

const { stateful, stateless } = templates();
const producers = [stateful, stateless];
const functions = resourcesOf(stateless, "AWS::Lambda::Function");
const mappings = Object.values(resourcesOf(stateless, "AWS::Lambda::EventSourceMapping"));
const queues = resourcesOf(stateful, "AWS::SQS::Queue");

/** Actions AWS offers no resource-level permissions for; `Resource: "*"` is acknowledged for these only. */
const STAR_ONLY_ACTIONS = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
  "dynamodb:ListStreams",
]);

describe("queues and their consumers", () => {
  const deadLetterIds = new Set(
    Object.values(queues)
      .map((q) => referencedLogicalId(q.Properties?.RedrivePolicy?.deadLetterTargetArn, producers))
      .filter((id): id is string => id !== undefined),
  );
  const failureDestinationIds = new Set(
    mappings
      .map((m) => referencedLogicalId(m.Properties?.DestinationConfig?.OnFailure?.Destination, producers))
      .filter((id): id is string => id !== undefined),
  );
  const ruleTargets = Object.values(resourcesOf(stateless, "AWS::Events::Rule")).flatMap((rule) =>
    asArray(rule.Properties?.Targets),
  );
  const ruleDeadLetterIds = new Set(
    ruleTargets
      .map((target: any) => referencedLogicalId(target.DeadLetterConfig?.Arn, producers))
      .filter((id): id is string => id !== undefined),
  );
  const workQueues = Object.entries(queues).filter(
    ([id]) => !deadLetterIds.has(id) && !failureDestinationIds.has(id) && !ruleDeadLetterIds.has(id),
  );

  it("gives every work queue a DLQ with a bounded receive count", () => {
    expect(workQueues).toHaveLength(QUEUE_NAMES.length);
    for (const [id, queue] of workQueues) {
      const redrive = queue.Properties?.RedrivePolicy;
      expect(redrive, `${id} has a DLQ`).toBeDefined();
      expect(redrive.maxReceiveCount, id).toBeGreaterThanOrEqual(1);
      expect(redrive.maxReceiveCount, id).toBeLessThanOrEqual(10);
    }
    expect(deadLetterIds.size).toBe(QUEUE_NAMES.length);
    expect(failureDestinationIds.size).toBe(2);
  });

  it("consumes every work queue with partial batch failures and a visibility timeout >= 6x the consumer timeout", () => {
    for (const [id, queue] of workQueues) {
      const consumers = mappings.filter((m) => referencedLogicalId(m.Properties?.EventSourceArn, producers) === id);
      expect(consumers, `${id} has exactly one consumer`).toHaveLength(1);
      const mapping = consumers[0]!;
      expect(mapping.Properties?.FunctionResponseTypes, id).toEqual(["ReportBatchItemFailures"]);
      const fn = functions[referencedLogicalId(mapping.Properties?.FunctionName, producers)!];
      const timeout = fn?.Properties?.Timeout as number;
      expect(timeout, id).toBeGreaterThan(0);
      expect(queue.Properties?.VisibilityTimeout, id).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it("has the auction closer sweep every five minutes, with a message its consumer takes for a sweep", () => {
    const schedules = Object.values(resourcesOf(stateless, "AWS::Scheduler::Schedule"));
    expect(schedules).toHaveLength(1);
    const sweep = schedules[0]!.Properties!;
    expect(sweep.ScheduleExpression).toBe("rate(5 minutes)");
    const [closerId, closer] = workQueues.find(([id]) => id.includes("AuctionCloserQueue"))!;
    expect(referencedLogicalId(sweep.Target.Arn, producers)).toBe(closerId);
    expect(referencedLogicalId(sweep.Target.DeadLetterConfig.Arn, producers)).toBe(
      referencedLogicalId(closer.Properties?.RedrivePolicy?.deadLetterTargetArn, producers),
    );
    expect(JSON.parse(sweep.Target.Input)).toMatchObject({ type: SWEEP_DUE });
  });

  it("lets EventBridge Scheduler put timers on the closer and checkout-deadline queues, and park undeliverable ones in their DLQs", () => {
    const roles = resourcesOf(stateless, "AWS::IAM::Role");
    const [schedulerRole] = Object.keys(roles).filter((id) =>
      JSON.stringify(roles[id]?.Properties?.AssumeRolePolicyDocument).includes("scheduler.amazonaws.com"),
    );
    const attached = Object.entries(resourcesOf(stateless, "AWS::IAM::Policy"))
      .filter(([, p]) => asArray(p.Properties?.Roles).some((r) => referencedLogicalId(r, producers) === schedulerRole))
      .map(([id]) => id);
    const sendsTo = new Set(
      policyStatements(stateless)
        .filter(
          ({ where, statement }) => attached.includes(where) && asArray(statement.Action).includes("sqs:SendMessage"),
        )
        .flatMap(({ statement }) => asArray(statement.Resource).map((r) => referencedLogicalId(r, producers))),
    );
    const expected = ["AuctionCloser", "AuctionCheckoutDeadlines"].flatMap((name) => {
      const [id, queue] = workQueues.find(([queueId]) => queueId.includes(`${name}Queue`))!;
      return [id, referencedLogicalId(queue.Properties?.RedrivePolicy?.deadLetterTargetArn, producers)];
    });
    expect(sendsTo).toEqual(new Set(expected));
    const timerSetters = Object.values(functions).filter((fn) => fn.Properties?.Environment?.Variables?.SCHEDULE_GROUP);
    expect(timerSetters).toHaveLength(2);
    for (const fn of timerSetters) {
      const variables = fn.Properties?.Environment?.Variables;
      expect(referencedLogicalId(variables.CLOSER_DLQ_ARN, producers)).toBe(expected[1]);
      expect(referencedLogicalId(variables.CHECKOUT_DEADLINES_DLQ_ARN, producers)).toBe(expected[3]);
    }
  });

  it("bisects every stream mapping on error and parks failures on a queue; only the order-events projection gives up", () => {
    const streamMappings = mappings.filter((m) => m.Properties?.StartingPosition !== undefined);
    expect(streamMappings).toHaveLength(2); // DynamoDB outbox relay + Kinesis order events
    for (const m of streamMappings) {
      const p = m.Properties!;
      expect(p.BisectBatchOnFunctionError).toBe(true);
      expect(p.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
      const destination = referencedLogicalId(p.DestinationConfig?.OnFailure?.Destination, producers);
      expect(queues[destination!]?.Type).toBe("AWS::SQS::Queue");
    }
    const [relay] = streamMappings.filter((m) => JSON.stringify(m.Properties?.EventSourceArn).includes("StreamArn"));
    const [projection] = streamMappings.filter((m) => m !== relay);
    // The relay's failure queue would hold only pointers into the stream: it retries until the record expires.
    expect(relay?.Properties?.MaximumRetryAttempts ?? -1).toBe(-1);
    expect(relay?.Properties?.MaximumRecordAgeInSeconds ?? -1).toBe(-1);
    // Invoked for new outbox items only, not for every write to the table.
    const patterns = asArray(relay?.Properties?.FilterCriteria?.Filters).map((f: any) => JSON.parse(f.Pattern));
    expect(patterns).toEqual([{ eventName: ["INSERT"], dynamodb: { NewImage: { pk: { S: [{ prefix: "EVT#" }] } } } }]);
    expect(projection?.Properties?.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(projection?.Properties?.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(projection?.Properties?.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    // The projection counts a batch in one write: batches gather for a second.
    expect(projection?.Properties?.BatchSize).toBe(ORDER_EVENTS_BATCH.size);
    expect(projection?.Properties?.MaximumBatchingWindowInSeconds).toBe(ORDER_EVENTS_BATCH.windowSeconds);
    const relayFunction = referencedLogicalId(relay?.Properties?.FunctionName, producers);
    const lagAlarms = Object.values(resourcesOf(stateless, "AWS::CloudWatch::Alarm")).filter(
      (alarm) =>
        alarm.Properties?.MetricName === "IteratorAge" &&
        asArray(alarm.Properties?.Dimensions).some(
          (d: any) => referencedLogicalId(d.Value, producers) === relayFunction,
        ),
    );
    expect(lagAlarms).toHaveLength(1);
  });

  it("takes one message at a time from the queues whose messages wait on a payment provider or a partner", () => {
    const batchOf = (name: string) => {
      const [id] = workQueues.find(([queueId]) => queueId.includes(`${name}Queue`))!;
      return mappings.find((m) => referencedLogicalId(m.Properties?.EventSourceArn, producers) === id)?.Properties
        ?.BatchSize;
    };
    for (const name of ["OrderPipeline", "AuctionCheckout", "Delivery", "CustomerService"])
      expect(batchOf(name), name).toBe(1);
    expect(batchOf("AuctionNotifications")).toBe(10);
  });

  it("parks agreement upload events EventBridge could not deliver on a queue it may send to", () => {
    expect(ruleDeadLetterIds.size).toBe(1);
    const [queueId] = [...ruleDeadLetterIds];
    const allowed = Object.values(resourcesOf(stateful, "AWS::SQS::QueuePolicy")).some(
      (policy) =>
        asArray(policy.Properties?.Queues).some((q: any) => q.Ref === queueId) &&
        JSON.stringify(policy.Properties?.PolicyDocument).includes("events.amazonaws.com"),
    );
    expect(allowed).toBe(true);
  });
});

describe("functions and permissions", () => {
  it("runs every function on arm64 Node.js 22", () => {
    expect(Object.keys(functions).length).toBeGreaterThanOrEqual(30);
    for (const [id, fn] of Object.entries(functions)) {
      expect(fn.Properties?.Architectures, id).toEqual(["arm64"]);
      expect(fn.Properties?.Runtime, id).toBe("nodejs22.x");
    }
  });

  it("names a resource in every IAM statement, except actions AWS cannot scope", () => {
    const statements = [...policyStatements(stateful), ...policyStatements(stateless)];
    expect(statements.length).toBeGreaterThan(50);
    for (const { where, statement } of statements) {
      const actions = asArray<string>(statement.Action);
      for (const action of actions) expect(action, where).not.toMatch(/^\*$|:\*$/);
      if (asArray(statement.Resource).includes("*")) {
        expect(
          actions.filter((a) => !STAR_ONLY_ACTIONS.has(a)),
          `${where} uses Resource "*" for actions that can be scoped`,
        ).toEqual([]);
      }
    }
  });

  it("lets only the two workflow consumers start executions, each of its own state machine", () => {
    const machines = resourcesOf(stateless, "AWS::StepFunctions::StateMachine");
    const starts = policyStatements(stateless).filter(({ statement }) =>
      asArray<string>(statement.Action).some((a) => a.startsWith("states:Start")),
    );
    expect(starts).toHaveLength(2);
    const targets = starts.map(({ statement }) =>
      asArray(statement.Resource).map((r) => referencedLogicalId(r, producers)),
    );
    expect(targets.flat().sort()).toEqual(Object.keys(machines).sort());
  });

  it("grants e-mail sending on the sender identity only, an identity verified before the deploy (not created by it)", () => {
    const sends = policyStatements(stateless).filter(({ statement }) =>
      asArray<string>(statement.Action).includes("ses:SendEmail"),
    );
    expect(sends.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(resourcesOf(stateless, "AWS::SES::EmailIdentity"))).toHaveLength(0);
    for (const { statement } of sends) {
      const resource = JSON.stringify(statement.Resource);
      expect(resource).toMatch(/:ses:.*:identity\/shop@example\.com"/);
    }
  });
});

describe("workflows", () => {
  const machines = Object.values(resourcesOf(stateless, "AWS::StepFunctions::StateMachine"));

  it("deploys both ASL files as Express machines with ALL logging and tracing", () => {
    expect(machines).toHaveLength(2);
    for (const m of machines) {
      expect(m.Properties?.StateMachineType).toBe("EXPRESS");
      expect(m.Properties?.LoggingConfiguration?.Level).toBe("ALL");
      expect(m.Properties?.TracingConfiguration).toEqual({ Enabled: true });
    }
  });

  it("substitutes every XxxFunctionArn placeholder of each ASL file with a Lambda ARN", () => {
    for (const file of ["workflows/order-pipeline.asl.json", "workflows/auction-checkout.asl.json"]) {
      const text = readFileSync(`${REPO_ROOT}${file}`, "utf8");
      const placeholders = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
      const machine = machines.find((m) =>
        Object.keys(m.Properties?.DefinitionSubstitutions ?? {}).includes(placeholders[0]!),
      );
      const substitutions = machine?.Properties?.DefinitionSubstitutions as Record<string, unknown>;
      expect(Object.keys(substitutions).sort(), file).toEqual(placeholders);
      for (const value of Object.values(substitutions)) {
        expect(functions[referencedLogicalId(value, producers)!]?.Type).toBe("AWS::Lambda::Function");
      }
    }
  });
});

describe("identity, alarms and delivery", () => {
  it("creates the five role groups and an SRP app client without a secret", () => {
    const groups = Object.values(resourcesOf(stateless, "AWS::Cognito::UserPoolGroup")).map(
      (g) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual(["admin", "courier", "customer", "maker", "seller"]);
    const clients = Object.values(resourcesOf(stateless, "AWS::Cognito::UserPoolClient"));
    expect(clients).toHaveLength(1);
    expect(clients[0]!.Properties?.GenerateSecret).toBe(false);
  });

  it("serves the web app with headers against framing, sniffing and leaking tracking links through Referer", () => {
    const [distribution] = Object.values(resourcesOf(stateless, "AWS::CloudFront::Distribution"));
    const policyId = referencedLogicalId(
      distribution?.Properties?.DistributionConfig?.DefaultCacheBehavior?.ResponseHeadersPolicyId,
      producers,
    );
    const policy = resourcesOf(stateless, "AWS::CloudFront::ResponseHeadersPolicy")[policyId!];
    const headers = policy?.Properties?.ResponseHeadersPolicyConfig?.SecurityHeadersConfig;
    expect(headers?.FrameOptions?.FrameOption).toBe("DENY");
    expect(headers?.ReferrerPolicy?.ReferrerPolicy).toBe("no-referrer");
    expect(headers?.ContentSecurityPolicy?.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(headers?.ContentTypeOptions?.Override).toBe(true);
    expect(headers?.StrictTransportSecurity?.AccessControlMaxAgeSec).toBe(365 * 24 * 3600);
  });

  /** Metric name and dimensions of an alarm, whether CDK wrote the simple or the `Metrics` form. */
  const metricOf = (alarm: { Properties?: Record<string, any> }) => {
    const p = alarm.Properties ?? {};
    const m = p.Metrics?.[0]?.MetricStat?.Metric ?? p;
    return {
      name: m.MetricName as string,
      dimensions: (m.Dimensions ?? []) as Array<{ Name: string; Value: unknown }>,
    };
  };

  it("alarms to the admin topic on every dead-letter queue, every function's errors and API latency", () => {
    const alarms = Object.values(resourcesOf(stateless, "AWS::CloudWatch::Alarm"));
    const topicIds = Object.keys(resourcesOf(stateless, "AWS::SNS::Topic"));
    expect(topicIds).toHaveLength(1);
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: topicIds[0] }]);
    const dlqAlarmed = alarms
      .filter((a) => metricOf(a).name === "ApproximateNumberOfMessagesVisible")
      .map((a) => {
        expect(a.Properties?.Threshold).toBe(0);
        expect(a.Properties?.ComparisonOperator).toBe("GreaterThanThreshold");
        const dim = metricOf(a).dimensions.find((d) => d.Name === "QueueName");
        return referencedLogicalId(dim?.Value, producers);
      });
    const allDlqs = Object.entries(queues)
      .filter(([, q]) => q.Properties?.RedrivePolicy === undefined)
      .map(([id]) => id);
    expect(dlqAlarmed.sort()).toEqual(allDlqs.sort());
    const errorAlarmed = alarms
      .filter((a) => metricOf(a).name === "Errors")
      .map((a) => referencedLogicalId(metricOf(a).dimensions.find((d) => d.Name === "FunctionName")?.Value, producers));
    expect(errorAlarmed.sort()).toEqual(Object.keys(functions).sort());
    expect(alarms.some((a) => metricOf(a).name === "Latency")).toBe(true);
  });

  it("serves the web bucket through CloudFront with Origin Access Control and access logs", () => {
    const distributions = Object.values(resourcesOf(stateless, "AWS::CloudFront::Distribution"));
    expect(distributions).toHaveLength(1);
    const config = distributions[0]!.Properties?.DistributionConfig;
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Logging?.Bucket).toBeDefined();
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
  });

  it("serves an optional own domain with its certificate, and links e-mails to it", () => {
    const { stateless: withDomain } = buildApp({
      context: {
        domainName: "shop.example.com",
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab",
      },
    });
    const template = Template.fromStack(withDomain);
    const config = Object.values(resourcesOf(template, "AWS::CloudFront::Distribution"))[0]!.Properties
      ?.DistributionConfig;
    expect(config.Aliases).toEqual(["shop.example.com"]);
    expect(config.ViewerCertificate.AcmCertificateArn).toContain(":certificate/");
    const envs = Object.values(resourcesOf(template, "AWS::Lambda::Function")).map(
      (fn) => fn.Properties?.Environment?.Variables?.PUBLIC_URL,
    );
    expect(envs.filter((url) => url === "https://shop.example.com").length).toBeGreaterThan(20);
    expect(() => buildApp({ context: { domainName: "shop.example.com" } })).toThrow(/certificateArn/);
  });

  it("attaches uploaded listing agreements: S3 Object Created events under agreements/ invoke a function", () => {
    const rules = Object.values(resourcesOf(stateless, "AWS::Events::Rule"));
    const rule = rules.find((r) => r.Properties?.EventPattern?.source?.includes("aws.s3"));
    expect(rule?.Properties?.EventPattern).toMatchObject({
      "detail-type": ["Object Created"],
      detail: { object: { key: [{ prefix: "agreements/" }] } },
    });
    const target = rule?.Properties?.Targets?.[0]?.Arn?.["Fn::GetAtt"]?.[0];
    expect(functions[target]?.Properties?.Environment?.Variables?.TABLE_NAME).toBeDefined();
    const notifications = Object.values(resourcesOf(stateful, "Custom::S3BucketNotifications"));
    expect(notifications.map((n) => n.Properties?.NotificationConfiguration)).toEqual([
      { EventBridgeConfiguration: {} },
    ]);
  });

  it("lets every function that sends e-mail record what it sent (the mailer's once-only claims in the table)", () => {
    const statements = policyStatements(stateless);
    const byPolicy = (action: string) =>
      new Set(statements.filter(({ statement }) => asArray(statement.Action).includes(action)).map((s) => s.where));
    const senders = byPolicy("ses:SendEmail");
    expect(senders.size).toBeGreaterThan(5);
    const writers = byPolicy("dynamodb:PutItem");
    for (const policy of senders) expect(writers.has(policy), policy).toBe(true);
  });

  it("lets every SQS consumer record why a message failed, writing only delivery-error partitions", () => {
    const records = policyStatements(stateless).filter(({ statement }) =>
      JSON.stringify(statement.Condition ?? {}).includes("DELIVERY_ERROR#"),
    );
    for (const { statement } of records) {
      expect(statement.Action).toBe("dynamodb:PutItem");
      expect(statement.Condition).toEqual({
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["DELIVERY_ERROR#*"] },
      });
    }
    // one per consumer function: its policy is the one its role carries
    const sqsMappings = mappings.filter((mapping) =>
      JSON.stringify(mapping.Properties?.EventSourceArn).includes("Queue"),
    );
    expect(sqsMappings).toHaveLength(QUEUE_NAMES.length);
    expect(new Set(records.map(({ where }) => where)).size).toBe(QUEUE_NAMES.length);
  });

  it("lets the HTTP function e-mail password reset links from the sender identity (the request sends them itself)", () => {
    const [httpId] = Object.entries(functions)
      .filter(([, fn]) => fn.Properties?.Environment?.Variables?.JWT_SECRET_ARN !== undefined)
      .map(([id]) => id);
    expect(httpId).toBeDefined();
    expect(functions[httpId!]?.Properties?.Environment?.Variables?.SENDER_EMAIL).toBe("shop@example.com");
    const role = referencedLogicalId(functions[httpId!]?.Properties?.Role, producers);
    const policies = Object.entries(resourcesOf(stateless, "AWS::IAM::Policy"))
      .filter(([, p]) => asArray(p.Properties?.Roles).some((r) => referencedLogicalId(r, producers) === role))
      .map(([id]) => id);
    const statements = policyStatements(stateless).filter(({ where }) => policies.includes(where));
    const sends = statements.filter(({ statement }) => asArray(statement.Action).includes("ses:SendEmail"));
    expect(sends).toHaveLength(1);
    expect(JSON.stringify(sends[0]?.statement.Resource)).toMatch(/:ses:.*:identity\/shop@example\.com"/);
    // The mailer's once-only claim per message id is written to the table.
    expect(statements.some(({ statement }) => asArray(statement.Action).includes("dynamodb:PutItem"))).toBe(true);
  });

  it("grants object access by the prefixes the application stores its objects under", () => {
    expect(receiptObjectKey("ord_1").startsWith(OBJECT_PREFIXES.receipts)).toBe(true);
    expect(auctionQrKey("auc_1", "svg").startsWith(OBJECT_PREFIXES.qrCodes)).toBe(true);
    expect(auctionQrKey("auc_1", "png").startsWith(OBJECT_PREFIXES.qrCodes)).toBe(true);
    expect(agreementObjectKey("usr_1", "auc_1", "1", "pdf").startsWith(OBJECT_PREFIXES.agreements)).toBe(true);
  });

  it("pairs every object read with listing its prefix, so a missing object reads as 404 and not 403", () => {
    const statements = policyStatements(stateless);
    const reads = statements.filter(({ statement }) => asArray(statement.Action).includes("s3:GetObject"));
    expect(reads.length).toBeGreaterThan(0);
    for (const { where, statement } of reads) {
      const resource = JSON.stringify(statement.Resource);
      if (!resource.includes("orderflow-objects")) continue;
      const prefix = /objects-[^/]*\/([a-z-]+\/)\*/.exec(resource)?.[1];
      const lists = statements.some(
        (other) =>
          other.where === where &&
          asArray(other.statement.Action).includes("s3:ListBucket") &&
          JSON.stringify(other.statement.Condition).includes(`${prefix}*`),
      );
      expect(lists, `${where} reads ${prefix} without listing it`).toBe(true);
    }
  });
});
