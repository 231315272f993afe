import { describe, expect, it } from "vitest";
import { when } from "../../ports/item-store.js";
import { conditionExpression, ExpressionContext, updateExpression } from "./dynamodb-expressions.js";

describe("conditionExpression", () => {
  it("uses a placeholder for every name and value, once per distinct name", () => {
    const context = new ExpressionContext();
    const expression = conditionExpression(when.and(when.eq("status", "pending"), when.ne("status", null)), context);
    expect(expression).toBe("(#n0 = :v0) AND (#n0 <> :v1)");
    expect(context.attributes()).toEqual({
      ExpressionAttributeNames: { "#n0": "status" },
      ExpressionAttributeValues: { ":v0": "pending", ":v1": null },
    });
  });

  it("splits nested paths into one placeholder per segment", () => {
    const context = new ExpressionContext();
    expect(conditionExpression(when.gte("price.amount", 100), context)).toBe("#n0.#n1 >= :v0");
    expect(conditionExpression(when.lacks("price.discount"), context)).toBe("attribute_not_exists(#n0.#n2)");
    expect(context.attributes().ExpressionAttributeNames).toEqual({
      "#n0": "price",
      "#n1": "amount",
      "#n2": "discount",
    });
  });

  it("expresses item existence through the partition key", () => {
    const context = new ExpressionContext();
    expect(conditionExpression(when.exists(), context)).toBe("attribute_exists(#n0)");
    expect(conditionExpression(when.notExists(), context)).toBe("attribute_not_exists(#n0)");
    expect(context.attributes()).toEqual({ ExpressionAttributeNames: { "#n0": "pk" } });
  });

  it("nests OR inside AND with parentheses", () => {
    const context = new ExpressionContext();
    const expression = conditionExpression(
      when.and(when.has("chargeId"), when.or(when.lt("attempts", 3), when.eq("retry", true))),
      context,
    );
    expect(expression).toBe("(attribute_exists(#n0)) AND ((#n1 < :v0) OR (#n2 = :v1))");
  });

  it("lets a write replace an item TTL has not removed yet: `attribute_not_exists(pk) OR expiresAt < :now`", () => {
    const context = new ExpressionContext();
    expect(conditionExpression(when.or(when.notExists(), when.expired(1_780_000_000)), context)).toBe(
      "(attribute_not_exists(#n0)) OR (#n1 < :v0)",
    );
    expect(context.attributes()).toEqual({
      ExpressionAttributeNames: { "#n0": "pk", "#n1": "expiresAt" },
      ExpressionAttributeValues: { ":v0": 1_780_000_000 },
    });
  });

  it("makes an empty AND always true and an empty OR always false", () => {
    const context = new ExpressionContext();
    expect(conditionExpression(when.and(), context)).toBe("(attribute_exists(#n0)) OR (attribute_not_exists(#n0))");
    expect(conditionExpression(when.or(), context)).toBe("attribute_exists(#n0) AND attribute_not_exists(#n0)");
  });
});

describe("updateExpression", () => {
  it("builds SET, ADD and REMOVE clauses with literal top-level names", () => {
    const context = new ExpressionContext();
    const expression = updateExpression(
      { set: { status: "live", "a.b": 1 }, add: { stock: -3 }, remove: ["note"] },
      context,
    );
    expect(expression).toBe("SET #n0 = :v0, #n1 = :v1 ADD #n2 :v2 REMOVE #n3");
    expect(context.attributes()).toEqual({
      ExpressionAttributeNames: { "#n0": "status", "#n1": "a.b", "#n2": "stock", "#n3": "note" },
      ExpressionAttributeValues: { ":v0": "live", ":v1": 1, ":v2": -3 },
    });
  });

  it("removes attributes set to undefined and lets REMOVE win over SET", () => {
    const context = new ExpressionContext();
    expect(updateExpression({ set: { gone: undefined, kept: 2, dropped: 3 }, remove: ["dropped"] }, context)).toBe(
      "SET #n0 = :v0 REMOVE #n1, #n2",
    );
    expect(context.attributes().ExpressionAttributeNames).toEqual({ "#n0": "kept", "#n1": "dropped", "#n2": "gone" });
  });

  it("ignores key attributes and returns undefined when nothing is left", () => {
    const context = new ExpressionContext();
    expect(updateExpression({ set: { pk: "other", sk: "other" }, remove: ["pk"] }, context)).toBeUndefined();
    expect(updateExpression({}, context)).toBeUndefined();
    expect(context.attributes()).toEqual({});
  });

  it("shares placeholders with a condition of the same request without collisions", () => {
    const context = new ExpressionContext();
    const update = updateExpression({ add: { stock: -1 } }, context);
    const condition = conditionExpression(when.gte("stock", 1), context);
    expect([update, condition]).toEqual(["ADD #n0 :v0", "#n0 >= :v1"]);
    expect(context.attributes().ExpressionAttributeValues).toEqual({ ":v0": -1, ":v1": 1 });
  });
});
