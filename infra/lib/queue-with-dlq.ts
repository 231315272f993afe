import { Duration } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface QueueWithDlqProps {
  /** Visibility timeout; must be at least 6x the consumer Lambda's timeout (AWS guidance for SQS event sources). */
  readonly visibilityTimeout: Duration;
  /** Deliveries before a message is moved to the DLQ. */
  readonly maxReceiveCount?: number;
}

/** An encrypted, TLS-only SQS queue with its own encrypted, TLS-only dead-letter queue. */
export class QueueWithDlq extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, "Dlq", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Dead letters wait for a person to redrive them; keep them for the maximum SQS allows.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, "Queue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
  }
}
