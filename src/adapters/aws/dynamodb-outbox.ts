import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { DomainEvent } from "../../domain/shared/event.js";
import { when } from "../../ports/item-store.js";
import { conditionExpression, ExpressionContext } from "./dynamodb-expressions.js";

/** One action of a TransactWriteItems request, in lib-dynamodb's native-value form. */
export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** The outbox of one event key lives in partition `EVT#<key>` (the outbox relay recognises it by this). */
export const eventPartition = (key: string) => `EVT#${key}`;
/**
 * Event sort keys are the sequence number zero-padded, so that string order is sequence order.
 * Tables written before the counter was dropped also hold a counter item (`#SEQ`) in each outbox
 * partition: `#` sorts before every digit, so `sk > eventSortKey(n)` never reads it.
 */
export const eventSortKey = (seq: number) => String(seq).padStart(16, "0");

/** The item one event is stored as: numbered `seq` in its key's outbox, with what the relay forwards. */
export function outboxItem(event: DomainEvent, seq: number): Record<string, unknown> {
  const { id, type, key, at, data, correlationId } = event;
  return {
    pk: eventPartition(key),
    sk: eventSortKey(seq),
    seq,
    id,
    type,
    key,
    at,
    data,
    ...(correlationId ? { correlationId } : {}),
  };
}

/**
 * The outbox writes for the events of ONE key whose newest stored event is number `latest` (0 when
 * none): one item per event numbered from `latest + 1`, each refused if its number is already taken.
 * That condition alone keeps `seq` gap-free and monotonic per key: a writer that read an older
 * `latest` than another one collides with that writer's first item and must read again.
 */
export function outboxWrites(tableName: string, latest: number, events: DomainEvent[]): TransactItem[] {
  return events.map((event, index): TransactItem => {
    const guard = new ExpressionContext();
    const ConditionExpression = conditionExpression(when.notExists(), guard);
    return {
      Put: {
        TableName: tableName,
        Item: outboxItem(event, latest + index + 1),
        ConditionExpression,
        ...guard.attributes(),
      },
    };
  });
}
