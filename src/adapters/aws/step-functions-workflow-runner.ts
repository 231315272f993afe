import { type SFNClient, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import type { WorkflowResult, WorkflowRunner } from "../../ports/workflow-runner.js";

/** Execution names allow 1-80 characters of [0-9A-Za-z-_]. */
export function executionName(name: string): string {
  return name.replace(/[^0-9A-Za-z_-]/g, "_").slice(0, 80) || "execution";
}

/**
 * Runs a workflow as a Step Functions Express execution and waits for its end (StartSyncExecution).
 * Express executions are at-least-once and their name does not de-duplicate them; that is safe because
 * every task handler is idempotent (the same guarantee the local runner relies on when a delivery is
 * retried). Errors of the call itself (throttling, a missing state machine) are thrown, so the
 * consuming message is retried.
 */
export class StepFunctionsWorkflowRunner implements WorkflowRunner {
  constructor(
    private readonly options: {
      client: SFNClient;
      /** Workflow name (as in `workflows/<name>.asl.json`) -> its state machine's ARN. */
      stateMachineArns: Record<string, string>;
    },
  ) {}

  async run(workflow: string, input: Record<string, unknown>, name: string): Promise<WorkflowResult> {
    const stateMachineArn = this.options.stateMachineArns[workflow];
    if (!stateMachineArn) {
      const known = Object.keys(this.options.stateMachineArns).join(", ") || "none";
      throw new Error(`No state machine for workflow "${workflow}" in this function (known: ${known})`);
    }
    const answer = await this.options.client.send(
      new StartSyncExecutionCommand({ stateMachineArn, name: executionName(name), input: JSON.stringify(input) }),
    );
    if (answer.status === "SUCCEEDED") {
      return { status: "succeeded", output: answer.output ? JSON.parse(answer.output) : undefined };
    }
    return {
      status: "failed",
      error: { name: answer.error ?? answer.status ?? "UNKNOWN", cause: answer.cause ?? "" },
    };
  }
}
