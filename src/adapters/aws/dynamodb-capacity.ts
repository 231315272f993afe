import type { DomainEvent } from "../../domain/shared/event.js";
import type { TransactOp } from "../../ports/item-store.js";

/*
 * What DynamoDB on-demand bills for the requests this adapter sends, in one place: the adapter uses it
 * to choose a request, and the local runtime's usage meter to price the same writes. No AWS SDK here.
 */

function valueSize(value: unknown): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return numberSize(value);
  if (Array.isArray(value)) {
    // A list: 3 bytes, plus each element and 1 byte per element.
    return value.reduce((sum: number, element) => (element === undefined ? sum : sum + valueSize(element) + 1), 3);
  }
  if (typeof value === "object") {
    // A map: 3 bytes, plus each attribute (name and value) and 1 byte per attribute.
    return attributes(value as Record<string, unknown>).reduce((sum, [name, v]) => sum + name + valueSize(v) + 1, 3);
  }
  return 0;
}

/** 1 byte per two significant digits (leading and trailing zeros trimmed), plus 1. */
function numberSize(value: number): number {
  const mantissa = Math.abs(value).toExponential().split("e")[0] ?? "0";
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  return Math.ceil(digits.length / 2) + 1;
}

/** [name byte length, value] of the attributes DynamoDB stores (undefined values are not sent). */
function attributes(item: Record<string, unknown>): Array<[number, unknown]> {
  return Object.entries(item).flatMap(([name, value]) =>
    value === undefined ? [] : [[Buffer.byteLength(name), value] as [number, unknown]],
  );
}

/**
 * The size DynamoDB bills an item by: attribute names plus values (UTF-8 strings, numbers by their
 * significant digits, 1 byte for booleans and null, 3 bytes per list or map plus 1 per element).
 * See "DynamoDB item sizes and formats" in the DynamoDB developer guide.
 */
export function itemSize(item: Record<string, unknown> | undefined): number {
  return item ? attributes(item).reduce((sum, [name, value]) => sum + name + valueSize(value), 0) : 0;
}

/** Write request units of one item write: 1 per KB started, at least 1 (twice that in a transaction). */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Read request units of a strongly consistent read: 1 per 4 KB started, at least 1 (half when eventually consistent). */
export const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

/** The table's global secondary indexes; both project ALL attributes (infra/lib/stateful-stack.ts). */
const INDEXES = ["gsi1", "gsi2"] as const;

function indexKey(item: Record<string, unknown> | undefined, index: (typeof INDEXES)[number]): string | undefined {
  const partition = item?.[`${index}pk`];
  const sort = item?.[`${index}sk`];
  return typeof partition === "string" && typeof sort === "string" ? `${partition}\u0000${sort}` : undefined;
}

/**
 * Write units the global secondary indexes consume for one item write (billed like standard writes,
 * in a transaction too): an entry put when the item enters an index, deleted when it leaves, both when
 * its index key changes, and rewritten when it stays but any attribute changes (every attribute is
 * projected). Nothing for an item in no index, or written unchanged.
 */
export function indexWriteUnits(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): number {
  let units = 0;
  for (const index of INDEXES) {
    const was = indexKey(before, index);
    const is = indexKey(after, index);
    if (was !== undefined && is !== undefined && was === is) {
      if (JSON.stringify(before) !== JSON.stringify(after))
        units += writeUnits(Math.max(itemSize(before), itemSize(after)));
      continue;
    }
    if (was !== undefined) units += writeUnits(itemSize(before));
    if (is !== undefined) units += writeUnits(itemSize(after));
  }
  return units;
}

/**
 * Whether a `transact` call writes exactly one item — one put, update or delete and no event, or one
 * event and no operation. The adapter sends it as a single conditional write, which is as atomic as a
 * one-item TransactWriteItems and billed half.
 */
export function isSingleItemWrite(ops: ReadonlyArray<Pick<TransactOp, "op">>, events: readonly DomainEvent[]): boolean {
  if (ops.length === 0) return events.length === 1;
  return ops.length === 1 && events.length === 0 && ops[0]?.op !== "check";
}
