import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { kinesisRelayTarget } from "../../adapters/aws/kinesis-relay-target.js";
import { sqsRelayTarget } from "../../adapters/aws/sqs-relay-target.js";
import type { RelayTarget } from "../../ports/event-relay.js";
import type { EventConsumer } from "../shared/compose-application.js";

/**
 * Where the outbox relay sends each event: the queue of every consumer that takes its type (the same
 * consumer list the local dispatcher subscribes), and the order event stream.
 */
export function relayTargets(options: {
  consumers: EventConsumer[];
  orderEvents: EventConsumer;
  queueUrls: Record<string, string>;
  orderEventsStream: string | undefined;
  sqs: SQSClient;
  kinesis: KinesisClient;
}): RelayTarget[] {
  const queues = options.consumers.map((consumer) => {
    const queueUrl = options.queueUrls[consumer.name];
    if (!queueUrl) throw new Error(`QUEUE_URLS has no queue for the ${consumer.name} consumer`);
    return sqsRelayTarget({ client: options.sqs, name: consumer.name, queueUrl, eventTypes: consumer.eventTypes });
  });
  if (!options.orderEventsStream) throw new Error("ORDER_EVENTS_STREAM is not set");
  return [
    ...queues,
    kinesisRelayTarget({
      client: options.kinesis,
      streamName: options.orderEventsStream,
      eventTypes: options.orderEvents.eventTypes,
    }),
  ];
}
