import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { DeadLetter, QueueAdmin, QueueDepth } from "../../ports/queue-admin.js";

export interface QueuePair {
  queue: string;
  dlq: string;
}

/** Receive rounds when looking through a DLQ (10 messages each). */
const MAX_ROUNDS = 10;

/**
 * Dead-letter operations on the SQS queues. SQS keeps no consumer error, so a dead letter's `error`
 * points at the consumer's logs; `attempts` is the source queue's maxReceiveCount. Listing peeks: it
 * receives DLQ messages and makes them visible again at once.
 */
export class SqsQueueAdmin implements QueueAdmin {
  private readonly arns = new Map<string, Promise<string>>();

  constructor(private readonly options: { client: SQSClient; queues: Record<string, QueuePair> }) {}

  private async attributes(queueUrl: string, names: string[]) {
    const answer = await this.options.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names as never }),
    );
    return answer.Attributes ?? {};
  }

  private arn(queueUrl: string): Promise<string> {
    let arn = this.arns.get(queueUrl);
    if (!arn) {
      arn = this.attributes(queueUrl, ["QueueArn"]).then((a) => String(a.QueueArn));
      this.arns.set(queueUrl, arn);
    }
    return arn;
  }

  private selected(subscription?: string): Array<[string, QueuePair]> {
    return Object.entries(this.options.queues).filter(([name]) => !subscription || name === subscription);
  }

  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      this.selected().map(async ([subscription, { queue, dlq }]) => {
        const [source, dead] = await Promise.all([
          this.attributes(queue, [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
          ]),
          this.attributes(dlq, ["ApproximateNumberOfMessages"]),
        ]);
        return {
          subscription,
          ready: Number(source.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(source.ApproximateNumberOfMessagesNotVisible ?? 0),
          delayed: Number(source.ApproximateNumberOfMessagesDelayed ?? 0),
          deadLetters: Number(dead.ApproximateNumberOfMessages ?? 0),
        };
      }),
    );
  }

  /** Receives up to `limit` distinct messages of a DLQ, handing each to `visit`; stops when one repeats. */
  private async scan(dlq: string, limit: number, visit: (message: Message) => Promise<boolean | undefined>) {
    const seen = new Set<string>();
    for (let round = 0; round < MAX_ROUNDS && seen.size < limit; round++) {
      const answer = await this.options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlq,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 30,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ["SentTimestamp"],
        }),
      );
      const messages = (answer.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (messages.length === 0) return;
      const release: Message[] = [];
      let done = false;
      for (const message of messages) {
        seen.add(String(message.MessageId));
        if (done || seen.size > limit || !(await visit(message))) release.push(message);
        else done = true;
      }
      if (release.length > 0) {
        await this.options.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: dlq,
            Entries: release.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        );
      }
      if (done) return;
    }
  }

  async listDeadLetters(filter: { subscription?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = filter.limit ?? 50;
    const letters: DeadLetter[] = [];
    for (const [subscription, { queue, dlq }] of this.selected(filter.subscription)) {
      if (letters.length >= limit) break;
      const policy = JSON.parse(String((await this.attributes(queue, ["RedrivePolicy"])).RedrivePolicy ?? "{}"));
      await this.scan(dlq, limit - letters.length, async (message) => {
        letters.push({
          subscription,
          event: JSON.parse(String(message.Body)) as StoredEvent,
          attempts: Number(policy.maxReceiveCount ?? 0),
          error: "SQS keeps no error: see the consumer function's logs",
          failedAt: new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString(),
        });
        return false;
      });
    }
    return letters;
  }

  async redrive(target: { subscription?: string; seq?: number } = {}): Promise<number> {
    if (target.seq !== undefined && target.subscription) return this.redriveOne(target.subscription, target.seq);
    let moved = 0;
    for (const [, { queue, dlq }] of this.selected(target.subscription)) {
      const waiting = Number((await this.attributes(dlq, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages);
      if (!waiting) continue;
      const [sourceArn, destinationArn] = await Promise.all([this.arn(dlq), this.arn(queue)]);
      await this.options.client.send(
        new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
      );
      moved += waiting;
    }
    return moved;
  }

  /** Moves the dead letter with this sequence number (the first found) back to its queue. */
  private async redriveOne(subscription: string, seq: number): Promise<number> {
    const pair = this.options.queues[subscription];
    if (!pair) return 0;
    let moved = 0;
    await this.scan(pair.dlq, 100, async (message) => {
      if ((JSON.parse(String(message.Body)) as StoredEvent).seq !== seq) return false;
      await this.options.client.send(new SendMessageCommand({ QueueUrl: pair.queue, MessageBody: message.Body }));
      await this.options.client.send(
        new DeleteMessageCommand({ QueueUrl: pair.dlq, ReceiptHandle: message.ReceiptHandle }),
      );
      moved = 1;
      return true;
    });
    return moved;
  }
}
