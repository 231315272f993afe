import { describe, expect, it } from "vitest";
import { makeWorkflowTaskHandler } from "./workflow-task.js";

describe("Step Functions task handler", () => {
  const reserveStock = async (input: { orderId: string }) => ({ orderId: input.orderId, reserved: true });
  const chargePayment = async () => {
    throw Object.assign(new Error("card declined"), { name: "PaymentDeclinedError" });
  };
  // Keyed by Task state name, as in the ASL file.
  const tasks = Object.fromEntries([
    ["ReserveStock", reserveStock],
    ["ChargePayment", chargePayment],
  ]);

  it("runs the task named by TASK with the state's input and returns its result", async () => {
    const handler = makeWorkflowTaskHandler(tasks as never, "ReserveStock");
    // The input a Task state passes after its Parameters: the execution's input fields.
    expect(await handler({ orderId: "ord_1" })).toEqual({ orderId: "ord_1", reserved: true });
  });

  it("lets a task's error reach Step Functions with its name, for Retry/Catch to match", async () => {
    const handler = makeWorkflowTaskHandler(tasks as never, "ChargePayment");
    await expect(handler({ orderId: "ord_1" })).rejects.toMatchObject({ name: "PaymentDeclinedError" });
  });

  it("refuses to start with a task this workflow does not have", () => {
    expect(() => makeWorkflowTaskHandler(tasks as never, "Bake")).toThrow(
      /Unknown workflow task "Bake".*ReserveStock, ChargePayment/,
    );
    expect(() => makeWorkflowTaskHandler(tasks as never, undefined)).toThrow(/Unknown workflow task ""/);
  });
});
