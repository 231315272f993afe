import { ConflictError } from "../shared/errors.js";
import type { OrderStatus } from "./order.js";

/** The commands that move an order between states. */
export const ORDER_COMMANDS = ["confirm", "fail", "fulfil", "dispatch", "deliver", "review"] as const;
export type OrderCommand = (typeof ORDER_COMMANDS)[number];

const transitions: Record<OrderCommand, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  confirm: { from: ["pending"], to: "confirmed" },
  fail: { from: ["pending"], to: "failed" },
  fulfil: { from: ["confirmed"], to: "fulfilled" },
  dispatch: { from: ["fulfilled"], to: "out_for_delivery" },
  deliver: { from: ["fulfilled", "out_for_delivery"], to: "delivered" },
  review: { from: ["delivered"], to: "reviewed" },
};

export function canApply(command: OrderCommand, status: OrderStatus): boolean {
  return transitions[command].from.includes(status);
}

/** The state after `command`, or an INVALID_ORDER_TRANSITION conflict. */
export function nextStatus(command: OrderCommand, status: OrderStatus): OrderStatus {
  if (!canApply(command, status)) {
    throw new ConflictError(
      "INVALID_ORDER_TRANSITION",
      `Cannot ${command} an order that is ${status.replaceAll("_", " ")}`,
    );
  }
  return transitions[command].to;
}

/** The states an order may be in to receive `command`: the condition a store write checks. */
export function statusesAllowing(command: OrderCommand): readonly OrderStatus[] {
  return transitions[command].from;
}

export function isTerminal(status: OrderStatus): boolean {
  return status === "failed" || status === "reviewed";
}
