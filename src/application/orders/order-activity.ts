import { OrderEvent } from "../../domain/orders/order-events.js";
import type { Clock } from "../../ports/clock.js";
import { comparePositions, type StreamBatch, type StreamRecord } from "../../ports/event-stream.js";
import { expiresAfter, type ItemStore, type TransactOp, when } from "../../ports/item-store.js";

/** Partition of the per-minute order counters (sort key: the minute, `YYYY-MM-DDTHH:MM`). */
export const ORDER_ACTIVITY_PARTITION = "ORDER_ACTIVITY";
/** Per shard of the stream (sort key): the position of the last record counted. */
const CHECKPOINT_PARTITION = "ORDER_ACTIVITY_CHECKPOINT";
/** Counters expire after a day; the figures show the last half hour. */
const KEEP_SECONDS = 24 * 3600;
/**
 * A checkpoint outlives the stream's 24 h retention (no record it guards against can come after it), so
 * those of shards closed by resharding go.
 */
const KEEP_CHECKPOINT_SECONDS = 2 * 24 * 3600;
/** Minutes one write updates at most, with the checkpoint: well within a transaction's 100 items. */
const MINUTES_PER_WRITE = 24;

const COUNTED: Record<string, "orders" | "confirmed" | "failed"> = {
  [OrderEvent.received]: "orders",
  [OrderEvent.placed]: "confirmed",
  [OrderEvent.failed]: "failed",
};

/** The order events the activity projection counts. */
export const ORDER_ACTIVITY_EVENTS = Object.keys(COUNTED);

type Counts = Map<string, Partial<Record<"orders" | "confirmed" | "failed", number>>>;

/**
 * Consumer of the order event stream (Kinesis on AWS): counts orders received, confirmed and failed per
 * minute, so the admin figures read 30 small items instead of scanning the orders. A batch of records is
 * counted in one write: its counts added to the minutes it spans, and the shard's checkpoint moved to its
 * last record, on the condition that the checkpoint is still where this batch read it. A redelivered
 * record (at or before the checkpoint) is skipped, so each counts once; a write of each event alone
 * would cost a transaction per event against the same minute's item.
 */
export function makeRecordOrderActivity({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async ({ shard, records }: StreamBatch): Promise<void> => {
    const checkpointKey = { pk: CHECKPOINT_PARTITION, sk: shard };
    let counted = (await store.get(checkpointKey))?.position as string | undefined;
    const fresh = counted === undefined ? records : records.filter((r) => comparePositions(r.position, counted!) > 0);
    for (const part of partsOf(fresh)) {
      const last = part.at(-1)!.position;
      const ops: TransactOp[] = [
        {
          op: "put",
          item: { ...checkpointKey, position: last, expiresAt: expiresAfter(clock.now(), KEEP_CHECKPOINT_SECONDS) },
          condition: counted === undefined ? when.notExists() : when.eq("position", counted),
        },
        ...[...countsOf(part)].map(
          ([minute, add]): TransactOp => ({
            op: "update",
            key: { pk: ORDER_ACTIVITY_PARTITION, sk: minute },
            update: { add, set: { expiresAt: expiresAfter(Date.parse(`${minute}:00Z`), KEEP_SECONDS) } },
          }),
        ),
      ];
      // A failed condition (another run moved the checkpoint) throws: the batch is handed again and
      // skips what that run counted.
      await store.transact(ops, []);
      counted = last;
    }
  };
}

/** The records in runs spanning at most MINUTES_PER_WRITE minutes each, in order. */
function partsOf(records: StreamRecord[]): StreamRecord[][] {
  const parts: StreamRecord[][] = [];
  let minutes = new Set<string>();
  for (const record of records) {
    const minute = record.event.at.slice(0, 16);
    if (parts.length === 0 || (!minutes.has(minute) && minutes.size === MINUTES_PER_WRITE)) {
      parts.push([]);
      minutes = new Set();
    }
    minutes.add(minute);
    parts.at(-1)!.push(record);
  }
  return parts;
}

/** Per minute, how many of the records' events each counter adds. */
function countsOf(records: StreamRecord[]): Counts {
  const counts: Counts = new Map();
  for (const { event } of records) {
    const counter = COUNTED[event.type];
    if (!counter) continue;
    const minute = event.at.slice(0, 16);
    const add = counts.get(minute) ?? {};
    add[counter] = (add[counter] ?? 0) + 1;
    counts.set(minute, add);
  }
  return counts;
}
