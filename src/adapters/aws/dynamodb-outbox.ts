import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { DomainEvent, StoredEvent } from "../../domain/shared/event.js";
import { when } from "../../ports/item-store.js";
import { conditionExpression, ExpressionContext, updateExpression } from "./dynamodb-expressions.js";

/** One action of a TransactWriteItems request, in lib-dynamodb's native-value form. */
export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** The outbox of one event key lives in partition `EVT#<key>` (the outbox relay recognises it by this). */
export const eventPartition = (key: string) => `EVT#${key}`;
/** Sort key of the per-key sequence counter: `#` sorts before every digit, so before every event. */
export const COUNTER_SK = "#SEQ";
/** Event sort keys are the sequence number zero-padded, so that string order is sequence order. */
export const eventSortKey = (seq: number) => String(seq).padStart(16, "0");

/**
 * The outbox writes of a transaction for the events of ONE key, whose counter was read as `current`
 * (0 when absent): the counter set to its new value under a condition on `current`, then one item per
 * event numbered from `current + 1`, each refused if the number is already taken. The counter item has
 * no `type` attribute, so the outbox relay (src/handlers/aws/outbox-relay.ts) never forwards it.
 */
export function outboxWrites(tableName: string, key: string, current: number, events: DomainEvent[]): TransactItem[] {
  const pk = eventPartition(key);
  const context = new ExpressionContext();
  const counter: TransactItem = {
    Update: {
      TableName: tableName,
      Key: { pk, sk: COUNTER_SK },
      UpdateExpression: updateExpression({ set: { seq: current + events.length } }, context),
      ConditionExpression: conditionExpression(current === 0 ? when.notExists() : when.eq("seq", current), context),
      ...context.attributes(),
    },
  };
  const items = events.map((event, index): TransactItem => {
    const seq = current + index + 1;
    const { id, type, at, data, correlationId } = event;
    const item = {
      pk,
      sk: eventSortKey(seq),
      seq,
      id,
      type,
      key,
      at,
      data,
      ...(correlationId ? { correlationId } : {}),
    };
    const guard = new ExpressionContext();
    const ConditionExpression = conditionExpression(when.notExists(), guard);
    return { Put: { TableName: tableName, Item: item, ConditionExpression, ...guard.attributes() } };
  });
  return [counter, ...items];
}

/** An outbox item as read back from the table. */
export function toStoredEvent(item: Record<string, unknown>): StoredEvent {
  return {
    seq: Number(item.seq),
    id: String(item.id),
    type: String(item.type),
    key: String(item.key),
    at: String(item.at),
    data: (item.data ?? {}) as Record<string, unknown>,
    ...(typeof item.correlationId === "string" ? { correlationId: item.correlationId } : {}),
  };
}
