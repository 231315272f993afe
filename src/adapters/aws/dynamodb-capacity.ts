import type { DomainEvent } from "../../domain/shared/event.js";
import type { TransactOp } from "../../ports/item-store.js";

/*
 * What DynamoDB on-demand bills for the requests this adapter sends, in one place: the adapter uses it
 * to choose a request, and the local runtime's usage meter to price the same writes. No AWS SDK here.
 */

function valueSize(value: unknown): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "string") return utf8Length(value);
  if (typeof value === "number") return numberSize(value);
  if (Array.isArray(value)) {
    // A list: 3 bytes, plus each element and 1 byte per element.
    let size = 3;
    for (const element of value) if (element !== undefined) size += valueSize(element) + 1;
    return size;
  }
  // A map: 3 bytes, plus each attribute (name and value) and 1 byte per attribute.
  if (typeof value === "object") return attributesSize(value as Record<string, unknown>, 1) + 3;
  return 0;
}

/** The UTF-8 length of a string, counted without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for its 2 UTF-16 units
      i++;
    } else bytes += 2; // 3 bytes (a lone surrogate is written as U+FFFD, also 3)
  }
  return bytes;
}

/** 1 byte per two significant digits (leading and trailing zeros trimmed), plus 1. */
function numberSize(value: number): number {
  let integer = Math.abs(value);
  if (Number.isSafeInteger(integer)) {
    // Counts, amounts in cents and epoch times: the common case, without formatting the number.
    if (integer === 0) return 2;
    while (integer % 10 === 0) integer /= 10;
    let digits = 1;
    while (integer >= 10 ** digits) digits++;
    return Math.ceil(digits / 2) + 1;
  }
  const mantissa = Math.abs(value).toExponential().split("e")[0] ?? "0";
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  return Math.ceil(digits.length / 2) + 1;
}

/** Names plus values of the attributes DynamoDB stores (undefined values are not sent), `extra` bytes each. */
function attributesSize(item: Record<string, unknown>, extra: number): number {
  let size = 0;
  for (const name in item) {
    const value = item[name];
    if (value !== undefined) size += utf8Length(name) + valueSize(value) + extra;
  }
  return size;
}

/**
 * The size DynamoDB bills an item by: attribute names plus values (UTF-8 strings, numbers by their
 * significant digits, 1 byte for booleans and null, 3 bytes per list or map plus 1 per element).
 * See "DynamoDB item sizes and formats" in the DynamoDB developer guide.
 */
export function itemSize(item: Record<string, unknown> | undefined): number {
  return item ? attributesSize(item, 0) : 0;
}

/** Write request units of one item write: 1 per KB started, at least 1 (twice that in a transaction). */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Read request units of a strongly consistent read: 1 per 4 KB started, at least 1 (half when eventually consistent). */
export const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

/** The table's global secondary indexes; both hold keys only (infra/lib/stateful-stack.ts). */
const INDEXES = ["gsi1", "gsi2"] as const;
/** What DynamoDB adds to the size of every index entry. */
const INDEX_ENTRY_OVERHEAD = 100;

function indexKey(item: Record<string, unknown> | undefined, index: (typeof INDEXES)[number]): string | undefined {
  const partition = item?.[`${index}pk`];
  const sort = item?.[`${index}sk`];
  return typeof partition === "string" && typeof sort === "string" ? `${partition}\u0000${sort}` : undefined;
}

/**
 * The size of an item's entry in a keys-only index: the table key, the index key and the overhead.
 * Also the bytes a query of the index reads per entry.
 */
export function indexEntrySize(item: Record<string, unknown>, index: (typeof INDEXES)[number]): number {
  const { pk, sk } = item;
  const keys = { pk, sk, [`${index}pk`]: item[`${index}pk`], [`${index}sk`]: item[`${index}sk`] };
  return itemSize(keys) + INDEX_ENTRY_OVERHEAD;
}

/**
 * Write units the global secondary indexes consume for one item write (billed like standard writes,
 * in a transaction too): an entry put when the item enters an index, deleted when it leaves, both when
 * its index key changes. The indexes hold keys only, so an item that stays under the same index key
 * costs nothing there, whatever else changes ("Writes to a global secondary index" in the DynamoDB
 * developer guide).
 */
export function indexWriteUnits(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): number {
  let units = 0;
  for (const index of INDEXES) {
    const was = indexKey(before, index);
    const is = indexKey(after, index);
    if (was === is) continue;
    if (was !== undefined && before) units += writeUnits(indexEntrySize(before, index));
    if (is !== undefined && after) units += writeUnits(indexEntrySize(after, index));
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
