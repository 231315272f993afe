import type { Condition, Item } from "./item-store.js";

function valueAt(item: Item, path: string): unknown {
  let current: unknown = item;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
  if (actual === undefined) return op === "<>";
  switch (op) {
    case "=":
      return actual === expected;
    case "<>":
      return actual !== expected;
    default: {
      if (typeof actual !== typeof expected || (typeof actual !== "number" && typeof actual !== "string")) return false;
      const a = actual as number | string;
      const b = expected as number | string;
      if (op === "<") return a < b;
      if (op === "<=") return a <= b;
      if (op === ">") return a > b;
      return a >= b;
    }
  }
}

/**
 * Evaluates a condition against the current item (undefined when absent), like DynamoDB does:
 * a missing attribute compares false, except with `<>`.
 */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case "exists":
      return item !== undefined;
    case "notExists":
      return item === undefined;
    case "attributeExists":
      return item !== undefined && valueAt(item, condition.path) !== undefined;
    case "attributeNotExists":
      return item === undefined || valueAt(item, condition.path) === undefined;
    case "compare":
      return compare(item === undefined ? undefined : valueAt(item, condition.path), condition.op, condition.value);
    case "and":
      return condition.all.every((c) => evaluateCondition(c, item));
    case "or":
      return condition.any.some((c) => evaluateCondition(c, item));
  }
}
