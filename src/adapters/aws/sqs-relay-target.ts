import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { RelayTarget } from "../../ports/event-relay.js";

/** An SQS queue the outbox relay feeds: each event becomes one message whose body is the stored event. */
export function sqsRelayTarget(options: {
  client: SQSClient;
  name: string;
  queueUrl: string;
  eventTypes: readonly string[];
}): RelayTarget {
  return {
    name: options.name,
    eventTypes: options.eventTypes,
    async send(event) {
      await options.client.send(
        new SendMessageCommand({
          QueueUrl: options.queueUrl,
          MessageBody: JSON.stringify(event),
          MessageAttributes: {
            type: { DataType: "String", StringValue: event.type },
            key: { DataType: "String", StringValue: event.key },
          },
        }),
      );
    },
  };
}
