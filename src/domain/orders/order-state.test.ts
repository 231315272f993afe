import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ORDER_STATUSES, type OrderStatus } from "./order.js";
import { canApply, isTerminal, nextStatus, ORDER_COMMANDS, type OrderCommand } from "./order-state.js";

/** The whole table, written out: every state × every command → the next state, or refused. */
const expected: Record<OrderStatus, Partial<Record<OrderCommand, OrderStatus>>> = {
  pending: { confirm: "confirmed", fail: "failed" },
  confirmed: { fulfil: "fulfilled" },
  fulfilled: { dispatch: "out_for_delivery", deliver: "delivered" },
  out_for_delivery: { deliver: "delivered" },
  delivered: { review: "reviewed" },
  reviewed: {},
  failed: {},
};

describe("order state machine", () => {
  for (const status of ORDER_STATUSES) {
    for (const command of ORDER_COMMANDS) {
      const to = expected[status][command];
      it(`${command} on a ${status} order ${to ? `→ ${to}` : "is refused"}`, () => {
        expect(canApply(command, status)).toBe(to !== undefined);
        if (to) expect(nextStatus(command, status)).toBe(to);
        else
          expect(() => nextStatus(command, status)).toThrow(
            expect.objectContaining({ code: "INVALID_ORDER_TRANSITION" }),
          );
      });
    }
  }

  it("terminal states accept no command", () => {
    for (const status of ORDER_STATUSES.filter(isTerminal)) {
      expect(ORDER_COMMANDS.filter((command) => canApply(command, status))).toEqual([]);
    }
  });

  it("any sequence of commands only ever visits states reachable from pending and never leaves failed", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_COMMANDS), { maxLength: 20 }), (commands) => {
        let status: OrderStatus = "pending";
        const visited: OrderStatus[] = [status];
        for (const command of commands) {
          if (canApply(command, status)) {
            status = nextStatus(command, status);
            visited.push(status);
          }
        }
        const failedAt = visited.indexOf("failed");
        if (failedAt >= 0) expect(visited.slice(failedAt).every((s) => s === "failed")).toBe(true);
        const order = ORDER_STATUSES.filter((s) => s !== "failed");
        const ranks = visited.filter((s) => s !== "failed").map((s) => order.indexOf(s));
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      }),
    );
  });
});
