import { SFNClient, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { executionName, StepFunctionsWorkflowRunner } from "./step-functions-workflow-runner.js";

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:OrderPipeline";
const runner = new StepFunctionsWorkflowRunner({
  client: new SFNClient({ region: "eu-west-1" }),
  stateMachineArns: { "order-pipeline": ARN },
});

describe("Step Functions workflow runner", () => {
  it("starts a synchronous Express execution and returns its output", async () => {
    sfn.on(StartSyncExecutionCommand).resolves({
      executionArn: `${ARN}:ord_1`,
      startDate: new Date(),
      stopDate: new Date(),
      status: "SUCCEEDED",
      output: '{"orderId":"ord_1","stage":"confirmed"}',
    });
    expect(await runner.run("order-pipeline", { orderId: "ord_1" }, "ord_1")).toEqual({
      status: "succeeded",
      output: { orderId: "ord_1", stage: "confirmed" },
    });
    expect(sfn.commandCalls(StartSyncExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: ARN,
      name: "ord_1",
      input: '{"orderId":"ord_1"}',
    });
  });

  it("reports failed and timed-out executions with their error", async () => {
    sfn
      .on(StartSyncExecutionCommand)
      .resolvesOnce({
        executionArn: "a",
        startDate: new Date(),
        stopDate: new Date(),
        status: "FAILED",
        error: "PaymentDeclinedError",
        cause: "card declined",
      })
      .resolvesOnce({
        executionArn: "b",
        startDate: new Date(),
        stopDate: new Date(),
        status: "TIMED_OUT",
      });
    expect(await runner.run("order-pipeline", {}, "x")).toEqual({
      status: "failed",
      error: { name: "PaymentDeclinedError", cause: "card declined" },
    });
    expect(await runner.run("order-pipeline", {}, "y")).toEqual({
      status: "failed",
      error: { name: "States.TIMED_OUT", cause: "" },
    });
  });

  it("refuses a workflow this function has no state machine for", async () => {
    await expect(runner.run("auction-checkout", {}, "c")).rejects.toThrow(
      /No state machine for workflow "auction-checkout"/,
    );
    expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
  });

  it("keeps execution names within Step Functions' rules", () => {
    expect(executionName("chk_01JB:retry/2")).toBe("chk_01JB_retry_2");
    expect(executionName("x".repeat(100))).toHaveLength(80);
  });
});
