import fc from "fast-check";

/** A JSON Schema as the generated OpenAPI document writes request bodies (the subset these tests read). */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

const MAX_DEPTH = 5;

/** Values that are hard on a parser: extremes, empties, huge, control characters, lookalike dates. */
const hostile = fc.constantFrom<unknown>(
  null,
  -1,
  0,
  1e308,
  2 ** 53 + 1,
  1.5,
  "",
  "\u0000",
  "😀".repeat(300),
  "a".repeat(5000),
  "2026-02-30T25:61:00Z",
  [],
  {},
);

/** A value of the JSON type a schema does NOT accept: what makes a body invalid whatever the rest holds. */
function wrongType(schema: JsonSchema): unknown {
  if (schema.enum) return "not-one-of-the-allowed-values";
  switch (schema.type) {
    case "string":
      return 12345;
    case "integer":
    case "number":
      return "12";
    case "boolean":
      return "true";
    case "array":
      return { not: "a list" };
    case "object":
      return ["not", "an", "object"];
    default:
      return undefined;
  }
}

/**
 * Bodies shaped by a request schema, each broken in exactly one place: a required property left out, or
 * one property (at any depth) given a value of the wrong JSON type. Every other value follows the schema's
 * types and bounds, or is hostile. So each body gets past a parser's first look and must be refused by
 * validation deeper in (what random JSON rarely reaches).
 */
export function brokenBodies(schema: JsonSchema, resolve: (ref: string) => JsonSchema): fc.Arbitrary<unknown> {
  const deref = (s: JsonSchema): JsonSchema => (s.$ref ? deref(resolve(s.$ref)) : s);

  const shaped = (raw: JsonSchema, depth: number): fc.Arbitrary<unknown> => {
    const s = deref(raw);
    if (depth > MAX_DEPTH) return hostile;
    const choices = s.anyOf ?? s.oneOf;
    if (choices) return fc.oneof(...choices.map((choice) => shaped(choice, depth + 1)));
    if (s.enum) return fc.constantFrom(...s.enum);
    const value = ((): fc.Arbitrary<unknown> => {
      switch (s.type) {
        case "object":
          return fc.record(
            Object.fromEntries(Object.entries(s.properties ?? {}).map(([name, p]) => [name, shaped(p, depth + 1)])),
            { requiredKeys: s.required ?? [] },
          );
        case "array":
          return fc.array(shaped(s.items ?? {}, depth + 1), { maxLength: 3 });
        case "integer":
          return fc.integer({
            min: Math.max(s.minimum ?? -1000, -(2 ** 31)),
            max: Math.min(s.maximum ?? 1000, 2 ** 31),
          });
        case "number":
          return fc.double({ noNaN: true, noDefaultInfinity: true });
        case "boolean":
          return fc.boolean();
        case "string":
          return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 200) });
        default:
          return hostile;
      }
    })();
    return fc.oneof({ weight: 5, arbitrary: value }, { weight: 1, arbitrary: hostile });
  };

  /** Paths (property names from the top) of every property whose type alone can be broken. */
  const breakable = (raw: JsonSchema, at: string[], depth: number): Array<{ path: string[]; schema: JsonSchema }> => {
    const s = deref(raw);
    if (depth > MAX_DEPTH || s.type !== "object") return [];
    return Object.entries(s.properties ?? {}).flatMap(([name, p]) => {
      const child = deref(p);
      const own = wrongType(child) === undefined ? [] : [{ path: [...at, name], schema: child }];
      // Under an optional property too: the body is built with the way down to the broken value.
      return [...own, ...breakable(child, [...at, name], depth + 1)];
    });
  };

  const top = deref(schema);
  const targets = breakable(top, [], 0);
  const required = top.required ?? [];
  const breaks = [
    ...required.map((name) => ({ kind: "omit" as const, name })),
    ...targets.map((target) => ({ kind: "retype" as const, target })),
  ];
  if (breaks.length === 0) return fc.constant(wrongType(top) ?? null);

  return fc.tuple(shaped(top, 0), fc.constantFrom(...breaks)).map(([base, broken]) => {
    const body = structuredClone(base) as Record<string, unknown>;
    if (typeof body !== "object" || body === null || Array.isArray(body)) return wrongType(top);
    if (broken.kind === "omit") {
      delete body[broken.name];
      return body;
    }
    // Build the way down (hostile values may stand where objects belong), then put the wrong type there.
    let node = body;
    for (const name of broken.target.path.slice(0, -1)) {
      const next = node[name];
      node[name] = typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
      node = node[name] as Record<string, unknown>;
    }
    node[broken.target.path.at(-1)!] = wrongType(broken.target.schema);
    return body;
  });
}
