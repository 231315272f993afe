import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import type { StoredEvent } from "../../domain/shared/event.js";
import { readDeliveryError } from "../../ports/delivery-errors.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { DeadLetter, QueueAdmin, QueueDepth } from "../../ports/queue-admin.js";

/** A subscription's queue and its dead-letter queue, by URL. */
export interface QueuePair {
  queue: string;
  dlq: string;
}

/** Most messages looked at in one DLQ per call (a listing, or the search for one seq). */
const MAX_SCAN = 100;
/** How long looked-at messages stay hidden if releasing them fails (or the function dies mid-scan). */
const HOLD_SECONDS = 30;

/**
 * Dead-letter operations on the SQS queues.
 *
 * SQS has no "peek": looking at a DLQ means receiving. A scan receives messages with a short visibility
 * timeout and HOLDS them until it ends, so each receive returns new ones (releasing per batch would
 * return the same ten again), then makes them all visible again (ChangeMessageVisibility 0), also when
 * it fails. While a scan runs, the held messages are hidden from other scans and move tasks.
 *
 * What SQS does not keep: the consumer's error and a per-message attempt count. The consumer records its
 * last failure per event in the table (`recordDeliveryError`); with `errors` given, a listing reports that
 * error, its attempt count and its time. A message without a record (the record failed, or it was dead-
 * lettered before records were kept) is reported with a pointer to the consumer's logs, the queue's
 * maxReceiveCount as attempts and its first-queued time as `failedAt`.
 */
export class SqsQueueAdmin implements QueueAdmin {
  private readonly arns = new Map<string, Promise<string>>();

  constructor(
    private readonly options: {
      client: SQSClient;
      /** Subscription name -> its queue and DLQ URLs. */
      queues: Record<string, QueuePair>;
      /** The table the consumers record their failures in (see sqs-consumer.ts). */
      errors?: ItemStore;
    },
  ) {}

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

  /** The dead letters of one subscription or all, newest first; at most `limit` (100) and 100 per DLQ. */
  async listDeadLetters(filter: { subscription?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = filter.limit ?? 100;
    const letters: DeadLetter[] = [];
    for (const [subscription, { queue, dlq }] of this.selected(filter.subscription)) {
      if (letters.length >= limit) break;
      const policy = JSON.parse((await this.attributes(queue, ["RedrivePolicy"])).RedrivePolicy ?? "{}");
      await this.scan(dlq, limit - letters.length, async (message) => {
        const event = JSON.parse(String(message.Body)) as StoredEvent;
        const recorded = this.options.errors && (await readDeliveryError(this.options.errors, subscription, event.id));
        letters.push({
          subscription,
          event,
          attempts: recorded?.attempts ?? Number(policy.maxReceiveCount ?? 0),
          error:
            recorded?.error ??
            `No error was recorded: see the ${subscription} consumer's logs for message ${message.MessageId}`,
          failedAt: recorded?.failedAt ?? new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString(),
        });
        return false;
      });
    }
    return letters.sort((a, b) => b.failedAt.localeCompare(a.failedAt));
  }

  /**
   * With an event id: moves that dead letter (of the subscription, or of each) back to its queue. Without: a
   * message move task per DLQ moves all of it; the count returned is then SQS's approximate depth.
   */
  async redrive(target: { subscription?: string; eventId?: string } = {}): Promise<number> {
    let moved = 0;
    for (const [, pair] of this.selected(target.subscription)) {
      moved += target.eventId === undefined ? await this.moveAll(pair) : await this.moveOne(pair, target.eventId);
    }
    return moved;
  }

  private async moveAll({ queue, dlq }: QueuePair): Promise<number> {
    const waiting = Number((await this.attributes(dlq, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages);
    if (!waiting) return 0;
    const [sourceArn, destinationArn] = await Promise.all([this.arn(dlq), this.arn(queue)]);
    await this.options.client.send(
      new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
    );
    return waiting;
  }

  /**
   * Sends the dead letter of this event back to its queue, then deletes it from the DLQ (a crash in
   * between leaves a copy in both; consumers are idempotent). Found by the event's id: its seq counts
   * per key on DynamoDB, and every timer Scheduler parks here has seq 0.
   */
  private async moveOne({ queue, dlq }: QueuePair, eventId: string): Promise<number> {
    let moved = 0;
    await this.scan(dlq, MAX_SCAN, async (message) => {
      if ((JSON.parse(String(message.Body)) as StoredEvent).id !== eventId) return false;
      await this.options.client.send(
        new SendMessageCommand({
          QueueUrl: queue,
          MessageBody: message.Body,
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        }),
      );
      await this.options.client.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: message.ReceiptHandle }));
      moved = 1;
      return true;
    });
    return moved;
  }

  /**
   * Receives up to `max` distinct messages of a DLQ (about as many as it reports), handing each to
   * `visit` until one returns true (it took that message); every other received message is released.
   */
  private async scan(dlq: string, max: number, visit: (message: Message) => Promise<boolean>): Promise<void> {
    const waiting = Number((await this.attributes(dlq, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages);
    const wanted = Math.min(max, MAX_SCAN, waiting || 0);
    const seen = new Set<string>();
    const held: Message[] = [];
    try {
      while (seen.size < wanted) {
        const answer = await this.options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: dlq,
            MaxNumberOfMessages: Math.min(10, wanted - seen.size),
            VisibilityTimeout: HOLD_SECONDS,
            // Long polling asks every SQS server, so a small DLQ is not missed; it returns as soon as any arrive.
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ["SentTimestamp"],
            MessageAttributeNames: ["All"],
          }),
        );
        const fresh = (answer.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
        if (fresh.length === 0) return;
        let taken = false;
        for (const message of fresh) {
          seen.add(String(message.MessageId));
          held.push(message); // before visiting, so it is released even if the visit throws
          if (!taken && (await visit(message))) {
            held.pop();
            taken = true;
          }
        }
        if (taken) return;
      }
    } finally {
      await this.release(dlq, held);
    }
  }

  /** Makes held messages visible again; any it fails on come back by themselves after HOLD_SECONDS. */
  private async release(dlq: string, messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      await this.options.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlq,
          Entries: messages
            .slice(start, start + 10)
            .map((m, i) => ({ Id: String(start + i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  private selected(subscription?: string): Array<[string, QueuePair]> {
    return Object.entries(this.options.queues).filter(([name]) => subscription === undefined || name === subscription);
  }

  private async attributes(queueUrl: string, names: QueueAttributeName[]) {
    const answer = await this.options.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }),
    );
    return answer.Attributes ?? {};
  }

  /** A queue's ARN, asked once (works in every partition, unlike rewriting the URL). */
  private arn(queueUrl: string): Promise<string> {
    let arn = this.arns.get(queueUrl);
    if (!arn) {
      arn = this.attributes(queueUrl, ["QueueArn"]).then((attributes) => {
        if (!attributes.QueueArn) throw new Error(`SQS returned no QueueArn for ${queueUrl}`);
        return attributes.QueueArn;
      });
      arn.catch(() => this.arns.delete(queueUrl));
      this.arns.set(queueUrl, arn);
    }
    return arn;
  }
}
