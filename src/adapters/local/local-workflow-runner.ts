import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import type { Logger } from "../../ports/logger.js";
import type { TaskHandler, WorkflowResult, WorkflowRunner } from "../../ports/workflow-runner.js";

interface StateDefinition {
  Type: string;
  Resource?: string;
  Retry?: unknown[];
  Branches?: Array<{ States: Record<string, StateDefinition> }>;
  ItemProcessor?: { States: Record<string, StateDefinition> };
}

export interface LocalWorkflowOptions {
  /** Folder of `<name>.asl.json` files. */
  directory: string;
  /**
   * Task handlers per workflow, keyed by task: the `<Task>` of the `${<Task>FunctionArn}` a Task state
   * names (on AWS, the Lambda function). Several states may run the same task.
   */
  handlers: Record<string, Record<string, TaskHandler>>;
  logger: Logger;
  /** Replaces every Retry interval (in ms) — tests use a few ms instead of seconds. */
  retryIntervalMs?: number;
}

/** Every state of a definition, those inside Parallel branches and Map processors included, by name. */
function allStates(states: Record<string, StateDefinition>): Array<[string, StateDefinition]> {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, StateDefinition],
    ...(state.Branches ?? []).flatMap((branch) => allStates(branch.States)),
    ...(state.ItemProcessor ? allStates(state.ItemProcessor.States) : []),
  ]);
}

const TASK_RESOURCE = /^\$\{(\w+?)FunctionArn\}$/;

/**
 * Runs the same ASL files that are deployed as Step Functions, with aws-local-stepfunctions; Task
 * states call local handlers instead of Lambda ARNs (the ARNs are CDK substitutions).
 */
export class LocalWorkflowRunner implements WorkflowRunner {
  private readonly machines = new Map<
    string,
    { machine: StateMachine; retryOverrides: Record<string, number>; handlers: Record<string, TaskHandler> }
  >();

  constructor(private readonly options: LocalWorkflowOptions) {
    for (const [name, tasks] of Object.entries(options.handlers)) {
      const source = readFileSync(join(options.directory, `${name}.asl.json`), "utf8");
      const states = allStates((JSON.parse(source) as { States: Record<string, StateDefinition> }).States);
      // Each Task state runs the handler of the task its Resource names, as on AWS.
      const handlers: Record<string, TaskHandler> = {};
      for (const [state, definition] of states) {
        const task = TASK_RESOURCE.exec(definition.Resource ?? "")?.[1];
        if (definition.Type !== "Task" || !task) continue;
        const handler = tasks[task];
        if (!handler) throw new Error(`${name}.asl.json: no handler for task ${task} (state ${state})`);
        handlers[state] = handler;
      }
      // The files name Lambda ARNs as CDK definition substitutions; give them well-formed local ARNs.
      const text = source.replace(
        /\$\{(\w+?)(?:FunctionArn)?\}/g,
        (_match, fn: string) => `arn:aws:lambda:local:000000000000:function:orderflow-${fn}`,
      );
      const definition = JSON.parse(text);
      const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
      const retryOverrides =
        options.retryIntervalMs === undefined
          ? {}
          : Object.fromEntries(
              states.filter(([, state]) => state.Retry).map(([state]) => [state, options.retryIntervalMs!]),
            );
      this.machines.set(name, { machine, retryOverrides, handlers });
    }
  }

  async run(workflow: string, input: Record<string, unknown>, executionName: string): Promise<WorkflowResult> {
    const entry = this.machines.get(workflow);
    if (!entry) throw new Error(`Unknown workflow ${workflow}`);
    const execution = entry.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: entry.handlers as never,
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
