import { readFileSync } from "node:fs";
import { join } from "node:path";
import { StateMachine } from "aws-local-stepfunctions";
import { describe, expect, it } from "vitest";

type State = { Type: string; Retry?: Array<{ ErrorEquals: string[] }>; Branches?: Array<{ States: States }> };
type States = Record<string, State>;

function tasksOf(states: States): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === "Task" ? [[name, state] as [string, State]] : []),
    ...(state.Branches ?? []).flatMap((branch) => tasksOf(branch.States)),
  ]);
}

// On Step Functions a Task is a Lambda invoke; AWS asks every caller to retry its transient service errors.
const LAMBDA_TRANSIENT = ["Lambda.ServiceException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"];
// The item store's transient failures, locally (SQLite) and on AWS (DynamoDB, once the adapter's own
// retries of a transaction conflict are spent): a step retried for one must be retried for the other.
const STORE_TRANSIENT = ["SqliteError", "TransactionCanceledException", "InternalServerError", "RequestLimitExceeded"];

describe.each(["order-pipeline", "auction-checkout"])("%s.asl.json", (workflow) => {
  const definition = JSON.parse(readFileSync(join("workflows", `${workflow}.asl.json`), "utf8")) as { States: States };

  // The local runner skips validation at start (it costs ~0.7 s); the definitions are validated here,
  // with the CDK's `${XxxFunctionArn}` substitutions filled in as the CDK does.
  it("is valid Amazon States Language", () => {
    const text = readFileSync(join("workflows", `${workflow}.asl.json`), "utf8").replace(
      /\$\{(\w+?)FunctionArn\}/g,
      (_match, fn: string) => `arn:aws:lambda:eu-west-1:123456789012:function:orderflow-${fn}`,
    );
    const validate = (asl: unknown) => () => new StateMachine(asl as never);
    expect(validate(JSON.parse(text))).not.toThrow();
    const broken = JSON.parse(text);
    broken.States.Oops = { Type: "Task" };
    expect(validate(broken)).toThrow(/invalid/);
  });

  it("retries Lambda's transient errors in every Task state", () => {
    const tasks = tasksOf(definition.States);
    expect(tasks.length).toBeGreaterThan(3);
    for (const [name, task] of tasks) {
      const retried = (task.Retry ?? []).flatMap((retry) => retry.ErrorEquals);
      const missing = retried.includes("States.ALL") ? [] : LAMBDA_TRANSIENT.filter((e) => !retried.includes(e));
      expect({ task: name, missing }).toEqual({ task: name, missing: [] });
    }
  });

  it("retries the item store's transient errors, SQLite's and DynamoDB's alike, in every Task state", () => {
    for (const [name, task] of tasksOf(definition.States)) {
      const retried = (task.Retry ?? []).flatMap((retry) => retry.ErrorEquals);
      const missing = retried.includes("States.ALL") ? [] : STORE_TRANSIENT.filter((e) => !retried.includes(e));
      expect({ task: name, missing }).toEqual({ task: name, missing: [] });
    }
  });
});
