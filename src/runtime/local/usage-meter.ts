import {
  indexEntrySize,
  indexWriteUnits,
  isSingleItemWrite,
  itemSize,
  readUnits,
  writeUnits,
} from "../../adapters/aws/dynamodb-capacity.js";
import { outboxItem } from "../../adapters/aws/dynamodb-outbox.js";
import { domainOf, mailClaim, sentMark } from "../../adapters/aws/mail-claims.js";
import { SQS_SEND_BATCH } from "../../adapters/aws/sqs-send-batch.js";
import type { ObservedWrite, SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import type { Subscription } from "../../adapters/local/subscription.js";
import type { DomainEvent } from "../../domain/shared/event.js";
import { ORDER_EVENTS_STREAM, QUEUE_EVENT_TYPES } from "../../handlers/consumers/event-routes.js";
import type { EventLog } from "../../ports/event-log.js";
import type { StreamConsumer } from "../../ports/event-stream.js";
import type { Item, ItemStore, QueryInput } from "../../ports/item-store.js";
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
 * The item store as DynamoDB on-demand bills the DynamoDB adapter's requests for the same calls
 * (src/adapters/aws/dynamodb-item-store.ts; sizes and rules in dynamodb-capacity.ts):
 * - gets and base-table queries are strongly consistent: 1 read unit per 4 KB started; an index query
 *   reads keys, then the items by key, both eventually consistent: half that (`queryReadUnits`);
 * - an item write costs 1 write unit per KB started of the larger of the item before and after it
 *   (a delete: the item deleted), also when its condition fails;
 * - a transaction costs twice that for every item it touches (condition checks included) and for the
 *   item of each event, plus one strongly consistent query per event key for its newest event number;
 *   a transaction that writes one item only is sent as a single write and billed as one;
 * - a written item in a global secondary index also costs its index entry's writes (`indexWriteUnits`),
 *   counted at the standard rate also in a transaction: indexes are updated asynchronously, outside it
 *   (AWS does not spell this case out).
 * A transaction refused by a condition is not counted (AWS does not document what it bills for one).
 * The SQLite store reports each write with its item images (`observeWrites`), so nothing is read twice.
 */
export function meterItemStore<S extends ItemStore & EventLog & Pick<SqliteItemStore, "observeWrites">>(
  store: S,
  meter: UsageMeter,
): S {
  const relay = meterRelay(meter);
  // Items the store serves from memory come back as the same frozen object each time: sized once.
  const frozenSizes = new WeakMap<Item, number>();
  const sizeOfRead = (item: Item | undefined) => {
    if (!item || !Object.isFrozen(item)) return itemSize(item);
    let size = frozenSizes.get(item);
    if (size === undefined) {
      size = itemSize(item);
      frozenSizes.set(item, size);
    }
    return size;
  };
  store.observeWrites((write) => {
    const units = writeUnitsOf(write);
    if (units.write > 0) meter.count("dynamodb.writeUnits", units.write);
    if (units.read > 0) meter.count("dynamodb.readUnits", units.read);
    if (!write.refused) relay(write.events);
  });
  const wrapped: ItemStore & EventLog = {
    async get(key) {
      const item = await store.get(key);
      meter.count("dynamodb.readUnits", readUnits(sizeOfRead(item)));
      return item;
    },
    put: (item, condition) => store.put(item, condition),
    update: (key, update, condition) => store.update(key, update, condition),
    delete: (key, condition) => store.delete(key, condition),
    async query(input) {
      const page = await store.query(input);
      meter.count("dynamodb.readUnits", queryReadUnits(input, page.items));
      return page;
    },
    transact: (ops, events) => store.transact(ops, events),
    listByKey: (key, afterSeq) => store.listByKey(key, afterSeq),
    watch: (listener) => store.watch(listener),
  };
  return wrapped as S;
}

/**
 * The outbox relay as it runs under sustained load: a Lambda invocation per full stream batch of
 * RELAY_BATCH events (its share counted per event), and per batch one SendMessageBatch request for every
 * SQS_SEND_BATCH events (or fewer) of a queue that takes them; a Kinesis PUT payload unit (25 KB) per
 * event the order stream takes. Events are taken in commit order, the order the table's stream hands
 * them to the relay.
 */
function meterRelay(meter: UsageMeter): (events: readonly DomainEvent[]) => void {
  const queues = Object.entries(QUEUE_EVENT_TYPES) as Array<[string, readonly string[]]>;
  const streamTypes: readonly string[] = ORDER_EVENTS_STREAM.eventTypes;
  let inBatch = 0;
  const perQueue = new Map<string, number>();
  return (events) => {
    for (const event of events) {
      meter.count("lambda.invocations", 1 / RELAY_BATCH);
      if (streamTypes.includes(event.type)) meter.count("kinesis.putUnits");
      for (const [queue, types] of queues) {
        if (!types.includes(event.type)) continue;
        const queued = perQueue.get(queue) ?? 0;
        if (queued % SQS_SEND_BATCH === 0) meter.count("sqs.requests");
        perQueue.set(queue, queued + 1);
      }
      if (++inBatch === RELAY_BATCH) {
        inBatch = 0;
        perQueue.clear();
      }
    }
  };
}

/**
 * A base-table query reads its items in one strongly consistent request. An index holds keys only: its
 * entries are read eventually consistently, then each item by its key (BatchGetItem, also eventually
 * consistent, billed per item).
 */
function queryReadUnits(input: QueryInput, items: Item[]): number {
  const index = input.index;
  if (!index) return readUnits(items.reduce((sum, item) => sum + itemSize(item), 0));
  const entries = items.reduce((sum, item) => sum + indexEntrySize(item, index), 0);
  return (readUnits(entries) + items.reduce((sum, item) => sum + readUnits(itemSize(item)), 0)) / 2;
}

/** Events are sized as stored on DynamoDB, numbered as if their key had fewer than 100 events. */
const TYPICAL_SEQ = 10;

/** The write (and outbox read) units DynamoDB bills for one write of the store. */
export function writeUnitsOf(write: ObservedWrite): { write: number; read: number } {
  const sizes = write.items.map(({ before, after }) => [itemSize(before), itemSize(after)] as const);
  const itemUnits = sizes.map(([before, after]) => writeUnits(Math.max(before, after)));
  const eventUnits = write.events.map((event) => writeUnits(itemSize(outboxItem(event, TYPICAL_SEQ))));
  const outboxReads = new Set(write.events.map((event) => event.key)).size;
  const sum = (units: number[]) => units.reduce((total, n) => total + n, 0);
  // A refused write changes no item, so no index either.
  const indexUnits = write.refused
    ? 0
    : sum(write.items.map(({ op, before, after }) => (op === "check" ? 0 : indexWriteUnits(before, after))));
  if (write.method !== "transact" || isSingleItemWrite(write.items, write.events)) {
    // One PutItem / UpdateItem / DeleteItem: billed also when its condition fails.
    return { write: sum([...itemUnits, ...eventUnits]) + indexUnits, read: outboxReads };
  }
  if (write.refused) return { write: 0, read: outboxReads };
  return { write: 2 * sum([...itemUnits, ...eventUnits]) + indexUnits, read: outboxReads };
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

/**
 * Each e-mail sent is an SES message, plus the claim SesMailer keeps in the table so that an id is
 * sent once: a conditional put of the claim, then its update once sent (a put refused by an
 * existing claim and a read of it for a duplicate; the claim put and deleted again when sending fails).
 */
/** Claims are sized with a token and an SES message id of the lengths they have (a UUID; SES's 60 characters). */
const CLAIM_TOKEN = "00000000-0000-4000-8000-000000000000";
const SES_MESSAGE_ID = "0".repeat(60);

export function meterMailer(mailer: Mailer, meter: UsageMeter, from: string): Mailer {
  const domain = domainOf(from);
  return {
    send: async (message) => {
      const now = new Date();
      const claim = mailClaim(message.id, domain, CLAIM_TOKEN, now);
      const claimUnits = writeUnits(itemSize(claim));
      const sentClaimUnits = writeUnits(itemSize({ ...claim, ...sentMark(now, SES_MESSAGE_ID) }));
      let sent: Awaited<ReturnType<Mailer["send"]>>;
      try {
        sent = await mailer.send(message);
      } catch (error) {
        meter.count("dynamodb.writeUnits", 2 * claimUnits);
        throw error;
      }
      if (sent.sentNow) {
        meter.count("ses.emails");
        meter.count("dynamodb.writeUnits", claimUnits + sentClaimUnits);
      } else {
        meter.count("dynamodb.writeUnits", sentClaimUnits);
        meter.count("dynamodb.readUnits", readUnits(itemSize(claim)));
      }
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

/**
 * The order event stream's consumer (a Lambda on the Kinesis stream on AWS): one invocation per batch.
 * Its records' PUT payload units are counted where the relay puts them (`meterRelay`).
 */
export function meterStreamConsumer(consumer: StreamConsumer, meter: UsageMeter): StreamConsumer {
  return {
    ...consumer,
    handleBatch: (batch) => meterInvocation(meter, () => consumer.handleBatch(batch)),
  };
}

/**
 * Each delivery is an SQS message handled by one Lambda invocation: received and deleted by the event
 * source mapping (a request each, as for a batch of one; the relay's send is counted by `meterRelay`).
 */
export function meterSubscription(subscription: Subscription, meter: UsageMeter): Subscription {
  return {
    ...subscription,
    handle: (event) => {
      meter.count("sqs.requests", 2);
      return meterInvocation(meter, () => subscription.handle(event));
    },
  };
}

/** The HTTP entry point as the Node server calls it (the env carries the Node request). */
export type HttpFetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** Each HTTP request is an API Gateway request running the app in one Lambda invocation. */
export function meterHttp(fetch: HttpFetch, meter: UsageMeter): HttpFetch {
  return (request, env) => {
    meter.count("api.requests");
    return meterInvocation(meter, async () => fetch(request, env));
  };
}
