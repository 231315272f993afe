import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { kinesisRelayTarget } from "../../adapters/aws/kinesis-relay-target.js";
import { sqsRelayTarget } from "../../adapters/aws/sqs-relay-target.js";
import { ORDER_EVENTS_STREAM, QUEUE_EVENT_TYPES } from "../../handlers/consumers/event-routes.js";
import type { RelayTarget } from "../../ports/event-relay.js";

/**
 * Where the outbox relay sends each event: the queue of every consumer that takes its type (the table
 * the local dispatcher's subscriptions route by), and the order event stream.
 */
export function relayTargets(options: {
  queueUrls: Record<string, string>;
  orderEventsStream: string | undefined;
  sqs: SQSClient;
  kinesis: KinesisClient;
}): RelayTarget[] {
  const queues = Object.entries(QUEUE_EVENT_TYPES).map(([name, eventTypes]) => {
    const queueUrl = options.queueUrls[name];
    if (!queueUrl) throw new Error(`QUEUE_URLS has no queue for the ${name} consumer`);
    return sqsRelayTarget({ client: options.sqs, name, queueUrl, eventTypes });
  });
  if (!options.orderEventsStream) throw new Error("ORDER_EVENTS_STREAM is not set");
  return [
    ...queues,
    kinesisRelayTarget({
      client: options.kinesis,
      streamName: options.orderEventsStream,
      eventTypes: ORDER_EVENTS_STREAM.eventTypes,
    }),
  ];
}
