import { type MessageAttributeValue, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { RelayTarget } from "../../ports/event-relay.js";
import { batchesOf } from "./request-batches.js";
import { SQS_BATCH_BYTES, SQS_SEND_BATCH } from "./sqs-send-batch.js";

/** One event's message: the stored event as its body, its type and key as attributes. */
function messageOf(event: StoredEvent) {
  const attribute = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: value });
  return {
    MessageBody: JSON.stringify(event),
    MessageAttributes: { type: attribute(event.type), key: attribute(event.key) },
  };
}

/** A message's size as SQS counts it: its body and each attribute's name, data type and value. */
function sizeOf(message: ReturnType<typeof messageOf>): number {
  let bytes = Buffer.byteLength(message.MessageBody);
  for (const [name, value] of Object.entries(message.MessageAttributes)) {
    bytes += name.length + String(value.DataType).length + Buffer.byteLength(String(value.StringValue));
  }
  return bytes;
}

/**
 * An SQS queue the outbox relay feeds, one message per event, sent in SendMessageBatch requests of up
 * to ten messages (at once). A request that fails fails its events; SQS may also refuse single entries.
 */
export function sqsRelayTarget(options: {
  client: SQSClient;
  name: string;
  queueUrl: string;
  eventTypes: readonly string[];
}): RelayTarget {
  async function sendBatch(batch: Array<{ event: StoredEvent; message: ReturnType<typeof messageOf> }>) {
    try {
      const { Failed = [] } = await options.client.send(
        new SendMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: batch.map(({ message }, index) => ({ Id: String(index), ...message })),
        }),
      );
      return Failed.map((entry) => batch[Number(entry.Id)]?.event.id ?? "");
    } catch {
      return batch.map(({ event }) => event.id);
    }
  }
  return {
    name: options.name,
    eventTypes: options.eventTypes,
    async sendAll(events) {
      const messages = events.map((event) => ({ event, message: messageOf(event) }));
      const batches = batchesOf(messages, SQS_SEND_BATCH, SQS_BATCH_BYTES, ({ message }) => sizeOf(message));
      return new Set((await Promise.all(batches.map(sendBatch))).flat());
    },
  };
}
