import { makeKinesisHandler } from "../../handlers/aws/kinesis-consumer.js";
import { awsRuntime } from "./runtime.js";

/* Lambda entry on the order-events Kinesis stream: the order activity projection. */
const runtime = await awsRuntime();
export const handler = makeKinesisHandler(runtime.application.orderEvents, runtime.logger);
