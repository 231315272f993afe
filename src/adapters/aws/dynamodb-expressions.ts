import type { Condition, Update } from "../../ports/item-store.js";

/** The placeholder maps of one request; omitted when empty, because DynamoDB rejects empty maps. */
export interface ExpressionAttributes {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Collects `#n<i>` name and `:v<i>` value placeholders for the expressions of ONE request, so a key
 * condition and a filter (or a condition and an update) never collide. Every attribute name goes
 * through a placeholder: no reserved-word surprises (`status`, `data`, `key`...).
 */
export class ExpressionContext {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  /** A top-level attribute name, taken literally (a dot is part of the name). */
  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (!placeholder) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  /** A document path: `price.amount` is the `amount` attribute of the `price` map. */
  path(path: string): string {
    return path
      .split(".")
      .map((part) => this.name(part))
      .join(".");
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  attributes(): ExpressionAttributes {
    return {
      ...(this.names.size > 0
        ? { ExpressionAttributeNames: Object.fromEntries([...this.names].map(([a, p]) => [p, a])) }
        : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}

/** True whether or not the item exists: DynamoDB expressions have no boolean literals. */
const ALWAYS: Condition = { kind: "or", any: [{ kind: "exists" }, { kind: "notExists" }] };

/**
 * Translates a port condition into a ConditionExpression (or FilterExpression). DynamoDB's own rules
 * match the port's: a missing attribute compares false, except with `<>`.
 */
export function conditionExpression(condition: Condition, context: ExpressionContext): string {
  switch (condition.kind) {
    case "exists":
      return `attribute_exists(${context.name("pk")})`;
    case "notExists":
      return `attribute_not_exists(${context.name("pk")})`;
    case "attributeExists":
      return `attribute_exists(${context.path(condition.path)})`;
    case "attributeNotExists":
      return `attribute_not_exists(${context.path(condition.path)})`;
    case "compare":
      return `${context.path(condition.path)} ${condition.op} ${context.value(condition.value)}`;
    case "and":
      // An empty AND is true and an empty OR is false, as `every` and `some` are in the SQLite adapter.
      if (condition.all.length === 0) return conditionExpression(ALWAYS, context);
      return condition.all.map((c) => `(${conditionExpression(c, context)})`).join(" AND ");
    case "or":
      if (condition.any.length === 0) {
        return `attribute_exists(${context.name("pk")}) AND attribute_not_exists(${context.name("pk")})`;
      }
      return condition.any.map((c) => `(${conditionExpression(c, context)})`).join(" OR ");
  }
}

/**
 * Translates a port update into `SET ... ADD ... REMOVE ...`. Attribute names are top-level and literal,
 * as in the SQLite adapter. Key attributes are ignored (the key names the item; DynamoDB refuses to
 * change them), an `undefined` value removes the attribute (as it does once the SQLite adapter stores
 * the item as JSON), and REMOVE wins over SET for the same attribute. Returns undefined when nothing
 * is left to change.
 */
export function updateExpression(update: Update, context: ExpressionContext): string | undefined {
  const isKey = (attribute: string) => attribute === "pk" || attribute === "sk";
  const remove = new Set((update.remove ?? []).filter((attribute) => !isKey(attribute)));
  const set: string[] = [];
  for (const [attribute, value] of Object.entries(update.set ?? {})) {
    if (isKey(attribute) || remove.has(attribute)) continue;
    if (value === undefined) remove.add(attribute);
    else set.push(`${context.name(attribute)} = ${context.value(value)}`);
  }
  const add = Object.entries(update.add ?? {})
    .filter(([attribute]) => !isKey(attribute))
    .map(([attribute, delta]) => `${context.name(attribute)} ${context.value(delta)}`);
  const clauses = [
    set.length > 0 ? `SET ${set.join(", ")}` : "",
    add.length > 0 ? `ADD ${add.join(", ")}` : "",
    remove.size > 0 ? `REMOVE ${[...remove].map((attribute) => context.name(attribute)).join(", ")}` : "",
  ].filter(Boolean);
  return clauses.length > 0 ? clauses.join(" ") : undefined;
}
