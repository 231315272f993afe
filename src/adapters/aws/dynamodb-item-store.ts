import type { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type DomainEvent, type StoredEvent, storedEventFrom } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import { evaluateCondition } from "../../ports/item-conditions.js";
import {
  type Condition,
  ConditionFailedError,
  type Item,
  type ItemKey,
  type ItemStore,
  invalidCursor,
  type QueryInput,
  type QueryPage,
  type TransactOp,
  type Update,
  when,
} from "../../ports/item-store.js";
import { isSingleItemWrite } from "./dynamodb-capacity.js";
import { conditionExpression, ExpressionContext, updateExpression } from "./dynamodb-expressions.js";
import { eventPartition, eventSortKey, outboxItem, outboxWrites, type TransactItem } from "./dynamodb-outbox.js";

export interface DynamoDbItemStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How often watchers are woken while any exist, for events committed by other processes. */
  pollIntervalMs?: number;
}

/** Attempts of one transaction when another writer took its event numbers or DynamoDB reported a conflict. */
export const MAX_TRANSACTION_ATTEMPTS = 6;
/** Items read per Query page when a filter may discard some of them (the SQLite adapter scans 200). */
const FILTERED_PAGE = 200;
/** Keys one BatchGetItem request may name. */
const BATCH_GET_LIMIT = 100;
/** Requests for the keys a BatchGetItem left unprocessed (throttling) before the query fails. */
const BATCH_GET_ATTEMPTS = 8;

const keyOf = (key: ItemKey): ItemKey => ({ pk: key.pk, sk: key.sk });
const itemId = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;
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
 * The item store on one DynamoDB table (pk/sk, GSIs gsi1 and gsi2 holding keys only, TTL on `expiresAt`).
 *
 * Single-item writes are PutItem / UpdateItem / DeleteItem with a ConditionExpression, so a condition
 * and its write are atomic. `transact` is ONE TransactWriteItems holding the caller's operations first
 * (so CancellationReasons[i] is operation i) and then the outbox: one item per event (`EVT#<key>` /
 * zero-padded seq) with the attributes the relay reads from the table's stream, numbered after the
 * newest event of its key (read just before, strongly consistent) and refused if that number is
 * taken. That condition keeps `seq` gap-free and monotonic per key without locks or a counter item:
 * when only event conditions fail, another writer took the numbers, so the newest events are re-read
 * and the whole transaction is sent again. A failed condition of a caller's operation is a
 * ConditionFailedError naming those operations; a TransactionConflict is retried with jittered
 * backoff. Both retries are bounded. The SDK's own retries of one request reuse its
 * ClientRequestToken, so a lost response never applies twice.
 *
 * A transaction that writes one item only (one operation and no event, or one event) is sent as that
 * single conditional write: just as atomic, and DynamoDB bills it half (see dynamodb-capacity.ts).
 *
 * `watch` wakes listeners after this instance's commits that carry events and, while any listener
 * exists, every `pollIntervalMs`: other Lambdas write to the same table.
 */
export class DynamoDbItemStore implements ItemStore, EventLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<(keys?: ReadonlySet<string>) => void>();
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
    return (await this.updateItem(key, update, condition, "ALL_NEW")) as Item;
  }

  private async updateItem(
    key: ItemKey,
    update: Update,
    condition: Condition | undefined,
    returns: "ALL_NEW" | "NONE",
  ) {
    const context = new ExpressionContext();
    const expression = updateExpression(update, context);
    const request = {
      TableName: this.tableName,
      Key: keyOf(key),
      ...(expression ? { UpdateExpression: expression } : {}),
      ...withCondition(condition, context),
    };
    const result = await this.single(() =>
      this.doc.send(new UpdateCommand({ ...request, ...context.attributes(), ReturnValues: returns })),
    );
    return result?.Attributes;
  }

  async delete(key: ItemKey, condition?: Condition): Promise<void> {
    const context = new ExpressionContext();
    const request = { TableName: this.tableName, Key: keyOf(key), ...withCondition(condition, context) };
    await this.single(() => this.doc.send(new DeleteCommand({ ...request, ...context.attributes() })));
  }

  /**
   * Up to `limit` MATCHING items: pages are read until enough pass the filter or the partition ends.
   * The indexes hold keys only (infra/lib/stateful-stack.ts), so an index page is a page of keys whose
   * items are then read from the table (`itemsOf`), and its filter is applied to those items.
   */
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
      ...(input.filter && !input.index ? { FilterExpression: conditionExpression(input.filter, context) } : {}),
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
      const entries = (page.Items ?? []) as Item[];
      const found = input.index ? await this.itemsOf(entries, input) : entries.map((item) => ({ entry: item, item }));
      for (const { entry, item } of found) {
        items.push(item);
        if (items.length === limit) return { items, cursor: encodeCursor(entry, keyNames) };
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { items };
  }

  /**
   * The table items of a page of index entries, in the page's order, that still belong where the query
   * looked (an item deleted, or moved out of the partition or prefix since the index was read, is left
   * out) and pass its filter. Read like the index itself: eventually consistent.
   */
  private async itemsOf(entries: Item[], input: QueryInput): Promise<Array<{ entry: Item; item: Item }>> {
    const read = new Map<string, Item>();
    for (let from = 0; from < entries.length; from += BATCH_GET_LIMIT) {
      let keys = entries
        .slice(from, from + BATCH_GET_LIMIT)
        .map((entry): Record<string, unknown> => ({ pk: entry.pk, sk: entry.sk }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`BatchGetItem left ${keys.length} keys unread (throttled)`);
        if (attempt > 1) await sleep(Math.random() * Math.min(1000, 25 * 2 ** attempt));
        const answer = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: false } } }),
        );
        for (const item of (answer.Responses?.[this.tableName] ?? []) as Item[]) read.set(itemId(item), item);
        keys = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    const index = input.index as string;
    const belongs = (item: Item) => {
      const sort = item[`${index}sk`];
      return (
        item[`${index}pk`] === input.partition &&
        (!input.beginsWith || (typeof sort === "string" && sort.startsWith(input.beginsWith))) &&
        (!input.filter || evaluateCondition(input.filter, item))
      );
    };
    return entries.flatMap((entry) => {
      const item = read.get(itemId(entry));
      return item && belongs(item) ? [{ entry, item }] : [];
    });
  }

  async transact(ops: TransactOp[], events: DomainEvent[] = []): Promise<void> {
    if (ops.length === 0 && events.length === 0) return;
    const touched = new Set<string>();
    for (const operation of ops) {
      const key = operation.op === "put" ? operation.item : operation.key;
      const id = itemId(key);
      // DynamoDB would answer with a ValidationException; the same message as the SQLite adapter instead.
      if (touched.has(id)) throw new Error(`Transaction touches ${key.pk}/${key.sk} twice`);
      touched.add(id);
    }
    const opItems = ops.map((operation) => this.transactItem(operation));
    if (isSingleItemWrite(ops, events)) {
      if (ops[0]) await this.writeOne(ops[0]);
      else await this.appendEvent(events[0]!);
      if (events.length > 0) this.notify(new Set(events.map((event) => event.key)));
      return;
    }
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
    if (events.length > 0) this.notify(new Set(events.map((event) => event.key)));
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
      for (const item of page.Items ?? []) events.push(storedEventFrom(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return events;
  }

  watch(listener: (keys?: ReadonlySet<string>) => void): () => void {
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

  /** Wakes the listeners: with the keys of this instance's commit, or none (another writer's, by polling). */
  private notify(keys?: ReadonlySet<string>): void {
    for (const listener of [...this.listeners]) listener(keys);
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

  /** Reads the newest event of each event key and returns the outbox writes numbered after it. */
  private async outboxItems(events: DomainEvent[]): Promise<TransactItem[]> {
    const byKey = new Map<string, DomainEvent[]>();
    for (const event of events) byKey.set(event.key, [...(byKey.get(event.key) ?? []), event]);
    const writes = await Promise.all(
      [...byKey].map(async ([key, group]) =>
        outboxWrites(this.tableName, (await this.latestEvent(key))?.seq ?? 0, group),
      ),
    );
    return writes.flat();
  }

  /** The newest stored event of a key (strongly consistent): its number and id. */
  private async latestEvent(key: string): Promise<{ seq: number; id: string } | undefined> {
    const context = new ExpressionContext();
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: `${context.name("pk")} = ${context.value(eventPartition(key))} AND ${context.name("sk")} > ${context.value(eventSortKey(0))}`,
        ...context.attributes(),
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = page.Items?.[0];
    return item ? { seq: Number(item.seq), id: String(item.id) } : undefined;
  }

  /** The one write of a single-item transaction, as the single-item request it is. */
  private async writeOne(operation: TransactOp): Promise<void> {
    if (operation.op === "put") await this.put(operation.item, operation.condition);
    else if (operation.op === "update")
      await this.updateItem(operation.key, operation.update, operation.condition, "NONE");
    else if (operation.op === "delete") await this.delete(operation.key, operation.condition);
  }

  /** One event alone: its outbox item, numbered after the newest one, with the same bounded retries. */
  private async appendEvent(event: DomainEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const latest = await this.latestEvent(event.key);
      // The write of an earlier attempt did land (its answer was lost and the SDK's resend refused).
      if (attempt > 1 && latest?.id === event.id) return;
      try {
        await this.put(outboxItem(event, (latest?.seq ?? 0) + 1) as Item, when.notExists());
        return;
      } catch (error) {
        if (!(error instanceof ConditionFailedError) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
        await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt));
      }
    }
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
  } catch {
    throw invalidCursor();
  }
  if (keyNames.some((name) => typeof key[name] !== "string")) throw invalidCursor();
  return Object.fromEntries(keyNames.map((name) => [name, key[name] as string]));
}
