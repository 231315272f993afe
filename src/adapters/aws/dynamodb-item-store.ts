import type { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { DomainEvent, StoredEvent } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import {
  type Condition,
  ConditionFailedError,
  type Item,
  type ItemKey,
  type ItemStore,
  type QueryInput,
  type QueryPage,
  type TransactOp,
  type Update,
} from "../../ports/item-store.js";
import { conditionExpression, ExpressionContext, updateExpression } from "./dynamodb-expressions.js";
import {
  COUNTER_SK,
  eventPartition,
  eventSortKey,
  outboxWrites,
  type TransactItem,
  toStoredEvent,
} from "./dynamodb-outbox.js";

export interface DynamoDbItemStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How often watchers are woken while any exist, for events committed by other processes. */
  pollIntervalMs?: number;
}

/** Attempts of one transaction when the sequence counter moved or DynamoDB reported a conflict. */
export const MAX_TRANSACTION_ATTEMPTS = 6;
/** Items read per Query page when a filter may discard some of them (the SQLite adapter scans 200). */
const FILTERED_PAGE = 200;

const keyOf = (key: ItemKey): ItemKey => ({ pk: key.pk, sk: key.sk });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function withCondition(condition: Condition | undefined, context: ExpressionContext) {
  return condition ? { ConditionExpression: conditionExpression(condition, context) } : {};
}

function conditionFailed(failedIndexes: number[], cause: unknown): ConditionFailedError {
  const error = new ConditionFailedError(failedIndexes);
  error.cause = cause;
  return error;
}

/** The cancellation codes of a cancelled transaction, aligned with its TransactItems; undefined otherwise. */
function cancellationCodes(error: unknown): Array<string | undefined> | undefined {
  if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return undefined;
  return ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code);
}

/**
 * The item store on one DynamoDB table (pk/sk, GSIs gsi1 and gsi2, TTL on `expiresAt`).
 *
 * Single-item writes are PutItem / UpdateItem / DeleteItem with a ConditionExpression, so a condition
 * and its write are atomic. `transact` is ONE TransactWriteItems holding the caller's operations first
 * (so CancellationReasons[i] is operation i) and then the outbox: per event key, a counter item
 * (`EVT#<key>` / `#SEQ`, no `type`, so the outbox relay skips it) set to its new value under a condition
 * on the value read just before, and one item per event (`EVT#<key>` / zero-padded seq) with the
 * attributes the relay reads from the table's stream. The counter makes `seq` gap-free and monotonic
 * per key without locks: when only the counter (or an event item) condition fails, another writer
 * took the numbers, so the counters are re-read and the whole transaction is sent again. A failed
 * condition of a caller's operation is a ConditionFailedError naming those operations; a
 * TransactionConflict is retried with jittered backoff. Both retries are bounded. The SDK's own
 * retries of one request reuse its ClientRequestToken, so a lost response never applies twice.
 *
 * `watch` wakes listeners after this instance's commits that carry events and, while any listener
 * exists, every `pollIntervalMs`: other Lambdas write to the same table.
 */
export class DynamoDbItemStore implements ItemStore, EventLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<() => void>();
  private poller: NodeJS.Timeout | undefined;

  constructor(options: DynamoDbItemStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(key), ConsistentRead: true }),
    );
    return result.Item as Item | undefined;
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    const context = new ExpressionContext();
    const request = { TableName: this.tableName, Item: item, ...withCondition(condition, context) };
    await this.single(() => this.doc.send(new PutCommand({ ...request, ...context.attributes() })));
  }

  async update(key: ItemKey, update: Update, condition?: Condition): Promise<Item> {
    const context = new ExpressionContext();
    const expression = updateExpression(update, context);
    const request = {
      TableName: this.tableName,
      Key: keyOf(key),
      ...(expression ? { UpdateExpression: expression } : {}),
      ...withCondition(condition, context),
    };
    const result = await this.single(() =>
      this.doc.send(new UpdateCommand({ ...request, ...context.attributes(), ReturnValues: "ALL_NEW" })),
    );
    return result.Attributes as Item;
  }

  async delete(key: ItemKey, condition?: Condition): Promise<void> {
    const context = new ExpressionContext();
    const request = { TableName: this.tableName, Key: keyOf(key), ...withCondition(condition, context) };
    await this.single(() => this.doc.send(new DeleteCommand({ ...request, ...context.attributes() })));
  }

  /** Up to `limit` MATCHING items: pages are read until enough pass the filter or the partition ends. */
  async query(input: QueryInput): Promise<QueryPage> {
    const partitionName = input.index ? `${input.index}pk` : "pk";
    const sortName = input.index ? `${input.index}sk` : "sk";
    // A cursor is the ExclusiveStartKey of the next page: the table key, plus the index key on an index.
    const keyNames = input.index ? ["pk", "sk", partitionName, sortName] : ["pk", "sk"];
    const context = new ExpressionContext();
    let keyCondition = `${context.name(partitionName)} = ${context.value(input.partition)}`;
    if (input.beginsWith)
      keyCondition += ` AND begins_with(${context.name(sortName)}, ${context.value(input.beginsWith)})`;
    const request = {
      TableName: this.tableName,
      ...(input.index ? { IndexName: input.index } : { ConsistentRead: true }),
      KeyConditionExpression: keyCondition,
      ...(input.filter ? { FilterExpression: conditionExpression(input.filter, context) } : {}),
      ...context.attributes(),
      ScanIndexForward: !input.descending,
    };
    const limit = input.limit ?? 100;
    const items: Item[] = [];
    let start = input.cursor ? decodeCursor(input.cursor, keyNames) : undefined;
    do {
      const remaining = Math.max(limit - items.length, 1);
      const page = await this.doc.send(
        new QueryCommand({
          ...request,
          Limit: input.filter ? Math.max(remaining, FILTERED_PAGE) : remaining,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of (page.Items ?? []) as Item[]) {
        items.push(item);
        if (items.length === limit) return { items, cursor: encodeCursor(item, keyNames) };
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { items };
  }

  async transact(ops: TransactOp[], events: DomainEvent[] = []): Promise<void> {
    if (ops.length === 0 && events.length === 0) return;
    const touched = new Set<string>();
    for (const operation of ops) {
      const key = operation.op === "put" ? operation.item : operation.key;
      const id = `${key.pk}\u0000${key.sk}`;
      // DynamoDB would answer with a ValidationException; the same message as the SQLite adapter instead.
      if (touched.has(id)) throw new Error(`Transaction touches ${key.pk}/${key.sk} twice`);
      touched.add(id);
    }
    const opItems = ops.map((operation) => this.transactItem(operation));
    for (let attempt = 1; ; attempt++) {
      const outbox = events.length > 0 ? await this.outboxItems(events) : [];
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: [...opItems, ...outbox] }));
        break;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        const failed = codes.flatMap((code, index) =>
          index < ops.length && code === "ConditionalCheckFailed" ? [index] : [],
        );
        if (failed.length > 0) throw conditionFailed(failed, error);
        const retryable = codes.some((code) => code === "ConditionalCheckFailed" || code === "TransactionConflict");
        if (!retryable || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
        await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt));
      }
    }
    if (events.length > 0) this.notify();
  }

  async listByKey(key: string, afterSeq = 0): Promise<StoredEvent[]> {
    const context = new ExpressionContext();
    const request = {
      TableName: this.tableName,
      ConsistentRead: true,
      // `> padded(afterSeq)` also leaves out the counter item: `#` sorts before every digit.
      KeyConditionExpression: `${context.name("pk")} = ${context.value(eventPartition(key))} AND ${context.name("sk")} > ${context.value(eventSortKey(afterSeq))}`,
      ...context.attributes(),
    };
    const events: StoredEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...request, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of page.Items ?? []) events.push(toStoredEvent(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return events;
  }

  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.poller) {
      this.poller = setInterval(() => this.notify(), this.pollIntervalMs);
      this.poller.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.poller) {
        clearInterval(this.poller);
        this.poller = undefined;
      }
    };
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Runs a single-item write, turning a failed condition into ConditionFailedError([0]). */
  private async single<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof Error && error.name === "ConditionalCheckFailedException") throw conditionFailed([0], error);
      throw error;
    }
  }

  private transactItem(operation: TransactOp): TransactItem {
    const TableName = this.tableName;
    const context = new ExpressionContext();
    switch (operation.op) {
      case "put": {
        const condition = withCondition(operation.condition, context);
        return { Put: { TableName, Item: operation.item, ...condition, ...context.attributes() } };
      }
      case "update": {
        // The update's placeholders first, then the condition's, as in update().
        const UpdateExpression = updateExpression(operation.update, context);
        // TransactWriteItems requires an UpdateExpression, and DynamoDB has no "touch": say so clearly.
        if (!UpdateExpression) {
          throw new Error(`Transaction update of ${operation.key.pk}/${operation.key.sk} is empty`);
        }
        const condition = withCondition(operation.condition, context);
        const Key = keyOf(operation.key);
        return { Update: { TableName, Key, UpdateExpression, ...condition, ...context.attributes() } };
      }
      case "delete": {
        const condition = withCondition(operation.condition, context);
        return { Delete: { TableName, Key: keyOf(operation.key), ...condition, ...context.attributes() } };
      }
      case "check": {
        const ConditionExpression = conditionExpression(operation.condition, context);
        return {
          ConditionCheck: { TableName, Key: keyOf(operation.key), ConditionExpression, ...context.attributes() },
        };
      }
    }
  }

  /** Reads the counter of each event key (strongly consistent) and returns the outbox writes numbered after it. */
  private async outboxItems(events: DomainEvent[]): Promise<TransactItem[]> {
    const byKey = new Map<string, DomainEvent[]>();
    for (const event of events) byKey.set(event.key, [...(byKey.get(event.key) ?? []), event]);
    const writes = await Promise.all(
      [...byKey].map(async ([key, group]) => {
        const counter = await this.get({ pk: eventPartition(key), sk: COUNTER_SK });
        const current = typeof counter?.seq === "number" ? counter.seq : 0;
        return outboxWrites(this.tableName, key, current, group);
      }),
    );
    return writes.flat();
  }
}

function encodeCursor(item: Item, keyNames: string[]): string {
  return Buffer.from(JSON.stringify(Object.fromEntries(keyNames.map((name) => [name, item[name]])))).toString(
    "base64url",
  );
}

function decodeCursor(cursor: string, keyNames: string[]): Record<string, string> {
  let key: Record<string, unknown> = {};
  try {
    key = Object(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch (error) {
    throw new Error("Invalid cursor", { cause: error });
  }
  if (keyNames.some((name) => typeof key[name] !== "string")) throw new Error("Invalid cursor");
  return Object.fromEntries(keyNames.map((name) => [name, key[name] as string]));
}
