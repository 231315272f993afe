/** The result of one workflow execution. */
export interface WorkflowResult {
  status: "succeeded" | "failed";
  output?: unknown;
  error?: { name: string; cause: string };
}

/** Runs an ASL workflow from `workflows/` (Step Functions on AWS, a local interpreter embedded). */
export interface WorkflowRunner {
  /** Runs the workflow to the end. `executionName` identifies the execution (e.g. the order id). */
  run(workflow: string, input: Record<string, unknown>, executionName: string): Promise<WorkflowResult>;
}

/** A task handler: what a Task state's Lambda does, keyed by the Task state's name. */
export type TaskHandler = (input: never) => Promise<unknown>;
