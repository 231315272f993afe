import { InvalidArn, SFNClient, StartSyncExecutionCommand, StateMachineDoesNotExist } from "@aws-sdk/client-sfn";
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
const times = { startDate: new Date("2026-11-22T10:00:00Z"), stopDate: new Date("2026-11-22T10:00:01Z") };

describe("Step Functions workflow runner", () => {
  it("starts a synchronous Express execution and returns its output", async () => {
    sfn.on(StartSyncExecutionCommand).resolves({
      executionArn: "arn:aws:states:eu-west-1:123456789012:express:OrderPipeline:ord_1:7d1c",
      ...times,
      status: "SUCCEEDED",
      output: '{"orderId":"ord_1","stage":"confirmed"}',
      outputDetails: { included: true },
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
        ...times,
        status: "FAILED",
        error: "PaymentDeclinedError",
        cause: '{"errorMessage":"card declined"}',
      })
      .resolvesOnce({ executionArn: "b", ...times, status: "TIMED_OUT" });
    expect(await runner.run("order-pipeline", {}, "x")).toEqual({
      status: "failed",
      error: { name: "PaymentDeclinedError", cause: '{"errorMessage":"card declined"}' },
    });
    expect(await runner.run("order-pipeline", {}, "y")).toEqual({
      status: "failed",
      error: { name: "TIMED_OUT", cause: "" },
    });
  });

  it("throws when the execution cannot be started, so the message is retried", async () => {
    sfn.on(StartSyncExecutionCommand).rejects(
      new StateMachineDoesNotExist({
        message: `State Machine Does Not Exist: '${ARN}'`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(runner.run("order-pipeline", {}, "z")).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    sfn.on(StartSyncExecutionCommand).rejects(new InvalidArn({ message: "Invalid Arn", $metadata: {} }));
    await expect(runner.run("order-pipeline", {}, "z")).rejects.toThrow("Invalid Arn");
  });

  it("refuses a workflow this function has no state machine for", async () => {
    await expect(runner.run("auction-checkout", {}, "c")).rejects.toThrow(
      'No state machine for workflow "auction-checkout" in this function (known: order-pipeline)',
    );
    expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
  });

  it("keeps execution names within Step Functions' rules", async () => {
    expect(executionName("chk_01JB:retry/2")).toBe("chk_01JB_retry_2");
    expect(executionName("x".repeat(100))).toBe("x".repeat(80));
    expect(executionName("")).toBe("execution");
    sfn.on(StartSyncExecutionCommand).resolves({ executionArn: "c", ...times, status: "SUCCEEDED" });
    await runner.run("order-pipeline", {}, "chk 01JB#2");
    expect(sfn.commandCalls(StartSyncExecutionCommand)[0]?.args[0].input.name).toBe("chk_01JB_2");
  });
});
