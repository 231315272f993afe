import { Duration } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface MonitoringProps {
  readonly api: apigwv2.HttpApi;
  readonly functions: Record<string, lambda.IFunction>;
  /** Every dead-letter queue, by a readable name. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** Subscribed to the admin topic when non-empty. */
  readonly adminEmail: string;
  /** The function reading the table's stream into the queues: alarmed on when it falls behind. */
  readonly outboxRelay: lambda.IFunction;
  /** p99 API latency above which the admin is alerted. */
  readonly apiLatencyThreshold?: Duration;
}

/** The admin alarm topic, alarms on DLQ depth, Lambda errors, the outbox relay's lag and API latency, and one dashboard. */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed aws/sns key, hence a CMK.
    const key = new kms.Key(this, "TopicKey", { enableKeyRotation: true, description: "orderflow admin alarm topic" });
    key.grant(new iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
    this.topic = new sns.Topic(this, "AdminTopic", {
      masterKey: key,
      enforceSSL: true,
      displayName: "orderflow alarms",
    });
    if (props.adminEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.adminEmail));
    const notify = new actions.SnsAction(this.topic);

    const dlqWidgets: cloudwatch.IMetric[] = [];
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const metric = queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
        label: name,
      });
      dlqWidgets.push(metric);
      metric
        .createAlarm(this, `${name}DlqAlarm`, {
          alarmDescription: `A message in the ${name} dead-letter queue needs a person (inspect, fix, redrive).`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(notify);
    }

    const errorMetrics: cloudwatch.IMetric[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      const metric = fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM, label: name });
      errorMetrics.push(metric);
      metric
        .createAlarm(this, `${name}ErrorsAlarm`, {
          alarmDescription: `The ${name} function failed.`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(notify);
    }

    // The relay retries a failing batch until it succeeds, holding back the events behind it: how far behind
    // it is shows in the age of the newest record it read.
    props.outboxRelay
      .metric("IteratorAge", { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, "OutboxRelayIteratorAgeAlarm", {
        alarmDescription:
          "The outbox relay is more than 5 minutes behind the table's stream: orders and events are waiting to move on.",
        threshold: Duration.minutes(5).toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(notify);

    const latency = props.api.metricLatency({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.percentile(99),
    });
    latency
      .createAlarm(this, "ApiLatencyAlarm", {
        alarmDescription: "p99 latency of the HTTP API is high for 3 of the last 5 minutes.",
        threshold: (props.apiLatencyThreshold ?? Duration.seconds(2)).toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(notify);

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: "API requests and errors",
            left: [props.api.metricCount(), props.api.metricClientError(), props.api.metricServerError()],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: "API latency p99 (ms)", left: [latency], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: "Dead-letter queue depth", left: dlqWidgets, width: 12 }),
          new cloudwatch.GraphWidget({ title: "Lambda errors", left: errorMetrics, width: 12 }),
        ],
      ],
    });
  }
}
