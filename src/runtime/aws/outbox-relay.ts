import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SQSClient } from "@aws-sdk/client-sqs";
import { makeOutboxRelay } from "../../handlers/aws/outbox-relay.js";
import { loadAwsConfig } from "./config.js";
import { relayTargets } from "./relay-targets.js";

/*
 * Lambda entry on the table's DynamoDB stream: new outbox items go to their queues and the order stream.
 * It routes by the consumers' event types and reads no items, so it composes nothing else (a small
 * bundle and a quick cold start on the path of every event).
 */
const config = loadAwsConfig(process.env);
export const handler = makeOutboxRelay(
  relayTargets({
    queueUrls: config.queueUrls,
    orderEventsStream: config.orderEventsStream,
    sqs: new SQSClient({}),
    kinesis: new KinesisClient({}),
  }),
);
