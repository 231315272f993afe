import { makeOutboxRelay } from "../../handlers/aws/outbox-relay.js";
import { relayTargets } from "./relay-targets.js";
import { awsRuntime } from "./runtime.js";

/* Lambda entry on the table's DynamoDB stream: new outbox items go to their queues and the order stream. */
const runtime = await awsRuntime();
export const handler = makeOutboxRelay(
  relayTargets({
    consumers: runtime.consumers,
    orderEvents: runtime.application.orderEvents,
    queueUrls: runtime.config.queueUrls,
    orderEventsStream: runtime.config.orderEventsStream,
    sqs: runtime.clients.sqs,
    kinesis: runtime.clients.kinesis,
  }),
);
