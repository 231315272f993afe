import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import type { Logger } from "../../ports/logger.js";
import type { TaskHandler, WorkflowResult, WorkflowRunner } from "../../ports/workflow-runner.js";

interface StateDefinition {
  Type: string;
  Retry?: unknown[];
  Branches?: Array<{ States: Record<string, StateDefinition> }>;
  ItemProcessor?: { States: Record<string, StateDefinition> };
}

export interface LocalWorkflowOptions {
  /** Folder of `<name>.asl.json` files. */
  directory: string;
  /** Task handlers per workflow, keyed by Task state name. */
  handlers: Record<string, Record<string, TaskHandler>>;
  logger: Logger;
  /** Replaces every Retry interval (in ms) — tests use a few ms instead of seconds. */
  retryIntervalMs?: number;
}

function statesWithRetry(states: Record<string, StateDefinition>): string[] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Retry ? [name] : []),
    ...(state.Branches ?? []).flatMap((branch) => statesWithRetry(branch.States)),
    ...(state.ItemProcessor ? statesWithRetry(state.ItemProcessor.States) : []),
  ]);
}

/**
 * Runs the same ASL files that are deployed as Step Functions, with aws-local-stepfunctions; Task
 * states call local handlers instead of Lambda ARNs (the ARNs are CDK substitutions).
 */
export class LocalWorkflowRunner implements WorkflowRunner {
  private readonly machines = new Map<string, { machine: StateMachine; retryOverrides: Record<string, number> }>();

  constructor(private readonly options: LocalWorkflowOptions) {
    for (const name of Object.keys(options.handlers)) {
      // The files name Lambda ARNs as CDK definition substitutions; give them well-formed local ARNs.
      const text = readFileSync(join(options.directory, `${name}.asl.json`), "utf8").replace(
        /\$\{(\w+?)(?:FunctionArn)?\}/g,
        (_match, fn: string) => `arn:aws:lambda:local:000000000000:function:orderflow-${fn}`,
      );
      const definition = JSON.parse(text);
      const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
      const retryOverrides =
        options.retryIntervalMs === undefined
          ? {}
          : Object.fromEntries(statesWithRetry(definition.States).map((state) => [state, options.retryIntervalMs!]));
      this.machines.set(name, { machine, retryOverrides });
    }
  }

  async run(workflow: string, input: Record<string, unknown>, executionName: string): Promise<WorkflowResult> {
    const entry = this.machines.get(workflow);
    if (!entry) throw new Error(`Unknown workflow ${workflow}`);
    const execution = entry.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.options.handlers[workflow] as never,
        retryIntervalOverrides: entry.retryOverrides,
      },
      context: { Execution: { Name: executionName } } as never,
    });
    try {
      return { status: "succeeded", output: await execution.result };
    } catch (error) {
      if (error instanceof ExecutionError) {
        const cause = error.cause as Error | undefined;
        const failure = { name: cause?.name ?? "ExecutionError", cause: cause?.message ?? String(error) };
        this.options.logger.error("workflow failed", { workflow, executionName, ...failure });
        return { status: "failed", error: failure };
      }
      throw error;
    }
  }
}
