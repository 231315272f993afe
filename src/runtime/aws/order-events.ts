import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbItemStore } from "../../adapters/aws/dynamodb-item-store.js";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import { systemClock } from "../../adapters/local/system-clock.js";
import { makeKinesisHandler } from "../../handlers/aws/kinesis-consumer.js";
import { makeOrderEventsConsumer } from "../shared/order-events-consumer.js";
import { loadAwsConfig } from "./config.js";

/*
 * Lambda entry on the order-events Kinesis stream: the order activity projection. It needs the table
 * only, so it composes that alone instead of the whole application (a smaller bundle and cold start).
 */
const config = loadAwsConfig(process.env);
const store = new DynamoDbItemStore({ client: new DynamoDBClient({}), tableName: config.tableName });
export const handler = makeKinesisHandler(
  makeOrderEventsConsumer({ store, clock: systemClock }),
  createJsonLogger({ level: config.logLevel }),
);
