import type { TaskHandler } from "../../ports/workflow-runner.js";

/**
 * The Lambda handler of one Task state: Step Functions invokes it with the state's input (after
 * InputPath/Parameters) and uses what it returns as the result. The same task functions run in the
 * local interpreter; which one this Lambda runs is its `TASK` setting.
 */
export function makeWorkflowTaskHandler(tasks: Record<string, TaskHandler>, task: string | undefined) {
  const run = task ? tasks[task] : undefined;
  if (!run) {
    throw new Error(`Unknown workflow task "${task ?? ""}"; this workflow has: ${Object.keys(tasks).join(", ")}`);
  }
  return (input: unknown) => run(input as never);
}
