import type { Subscription } from "../../adapters/local/subscription.js";
import type { DomainEvent } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import type { Item, ItemStore, TransactOp } from "../../ports/item-store.js";
import type { Mailer } from "../../ports/mailer.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { UsageMeter } from "../../ports/usage-meter.js";
import type { TaskHandler, WorkflowRunner } from "../../ports/workflow-runner.js";

/** Memory the Lambda functions are configured with (the CDK app uses the same figure). */
export const LAMBDA_MEMORY_MB = 256;
/** Express workflows are billed in 64 MB steps; these use the smallest. */
const EXPRESS_MEMORY_MB = 64;
/** The outbox relay reads the table's stream in batches of this many records. */
const RELAY_BATCH = 100;

const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}));
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Counts a Lambda invocation and its GB-seconds (billed per 1 ms) around `work`. */
export async function meterInvocation<T>(meter: UsageMeter, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const ms = Math.max(1, Math.ceil(performance.now() - started));
    meter.count("lambda.invocations");
    meter.count("lambda.gbSeconds", (ms / 1000) * (LAMBDA_MEMORY_MB / 1024));
  }
}

/** Counts an Express workflow execution: one request and its duration in 100 ms steps at 64 MB. */
export async function meterExecution<T>(meter: UsageMeter, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const billedMs = Math.max(100, Math.ceil((performance.now() - started) / 100) * 100);
    meter.count("stepfunctions.expressRequests");
    meter.count("stepfunctions.expressGbSeconds", (billedMs / 1000) * (EXPRESS_MEMORY_MB / 1024));
  }
}

/**
 * The item store as DynamoDB on-demand would bill it: reads per 4 KB, writes per 1 KB, transactional
 * operations twice; every outbox event is an item written in the same transaction, then relayed.
 */
export function meterItemStore<S extends ItemStore & EventLog>(store: S, meter: UsageMeter): S {
  const wrapped: ItemStore & EventLog = {
    async get(key) {
      const item = await store.get(key);
      meter.count("dynamodb.readUnits", readUnits(size(item)));
      return item;
    },
    async put(item, condition) {
      await store.put(item, condition);
      meter.count("dynamodb.writeUnits", writeUnits(size(item)));
    },
    async update(key, update, condition) {
      const item = await store.update(key, update, condition);
      meter.count("dynamodb.writeUnits", writeUnits(size(item)));
      return item;
    },
    async delete(key, condition) {
      await store.delete(key, condition);
      meter.count("dynamodb.writeUnits");
    },
    async query(input) {
      const page = await store.query(input);
      meter.count("dynamodb.readUnits", readUnits(page.items.reduce((sum: number, item: Item) => sum + size(item), 0)));
      return page;
    },
    async transact(ops: TransactOp[], events: DomainEvent[] = []) {
      await store.transact(ops, events);
      const bytes = [...ops.map((op) => (op.op === "put" ? size(op.item) : 1024)), ...events.map(size)];
      // On DynamoDB each event key's sequence counter is updated in the same transaction (dynamodb-outbox.ts).
      const counters = new Set(events.map((event) => event.key)).size;
      meter.count("dynamodb.writeUnits", bytes.reduce((sum, b) => sum + 2 * writeUnits(b), 0) + 2 * counters);
      if (events.length > 0) meter.count("lambda.invocations", events.length / RELAY_BATCH);
    },
    listByKey: (key, afterSeq) => store.listByKey(key, afterSeq),
    watch: (listener) => store.watch(listener),
  };
  return wrapped as S;
}

export function meterObjectStore(objects: ObjectStore, meter: UsageMeter): ObjectStore {
  return {
    put: async (key, body, type) => {
      meter.count("s3.putRequests");
      await objects.put(key, body, type);
    },
    get: async (key) => {
      meter.count("s3.getRequests");
      return objects.get(key);
    },
    exists: async (key) => {
      meter.count("s3.getRequests");
      return objects.exists(key);
    },
    delete: (key) => objects.delete(key),
    stream: async (key) => {
      meter.count("s3.getRequests");
      return objects.stream(key);
    },
  };
}

export function meterMailer(mailer: Mailer, meter: UsageMeter): Mailer {
  return {
    send: async (message) => {
      const sent = await mailer.send(message);
      if (sent.sentNow) meter.count("ses.emails");
      return sent;
    },
  };
}

/** Each Task state is a Lambda invocation and a state transition. */
export function meterTasks(tasks: Record<string, TaskHandler>, meter: UsageMeter): Record<string, TaskHandler> {
  return Object.fromEntries(
    Object.entries(tasks).map(([state, handler]) => [
      state,
      (input: never) => {
        meter.count("stepfunctions.transitions");
        return meterInvocation(meter, () => handler(input));
      },
    ]),
  );
}

/** Each run is an Express execution; its Choice/Parallel/Succeed states add about three transitions. */
export function meterWorkflows(runner: WorkflowRunner, meter: UsageMeter): WorkflowRunner {
  return {
    run: (workflow, input, name) => {
      meter.count("stepfunctions.transitions", 3);
      return meterExecution(meter, () => runner.run(workflow, input, name));
    },
  };
}

/** Each delivery is an SQS message (send, receive, delete) handled by one Lambda invocation. */
/**
 * A subscription fed by the order event stream (Kinesis on AWS): one PUT payload unit per record, and
 * its Lambda reads records in batches of RELAY_BATCH.
 */
export function meterStreamSubscription(subscription: Subscription, meter: UsageMeter): Subscription {
  return {
    ...subscription,
    handle: async (event) => {
      meter.count("kinesis.putUnits");
      const started = performance.now();
      try {
        await subscription.handle(event);
      } finally {
        const ms = Math.max(1, performance.now() - started);
        meter.count("lambda.invocations", 1 / RELAY_BATCH);
        meter.count("lambda.gbSeconds", (ms / 1000) * (LAMBDA_MEMORY_MB / 1024));
      }
    },
  };
}

export function meterSubscription(subscription: Subscription, meter: UsageMeter): Subscription {
  return {
    ...subscription,
    handle: (event) => {
      meter.count("sqs.requests", 3);
      return meterInvocation(meter, () => subscription.handle(event));
    },
  };
}

/** Each HTTP request is an API Gateway request running the app in one Lambda invocation. */
export function meterHttp(fetch: (request: Request) => Response | Promise<Response>, meter: UsageMeter) {
  return (request: Request) => {
    meter.count("api.requests");
    return meterInvocation(meter, async () => fetch(request));
  };
}
