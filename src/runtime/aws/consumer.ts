import { makeSqsHandler } from "../../handlers/aws/sqs-consumer.js";
import { awsRuntime } from "./runtime.js";

/* Lambda entry of every SQS consumer: `QUEUE_NAME` says which subscription this function serves. */
const runtime = await awsRuntime();
const name = runtime.config.queueName;
const consumer = runtime.consumers.find((candidate) => candidate.name === name);
if (!consumer) {
  throw new Error(
    `QUEUE_NAME "${name ?? ""}" is not a queue; queues: ${runtime.consumers.map((c) => c.name).join(", ")}`,
  );
}
export const handler = makeSqsHandler(consumer, runtime.logger, {
  subscription: consumer.name,
  store: runtime.store,
  clock: runtime.clock,
});
