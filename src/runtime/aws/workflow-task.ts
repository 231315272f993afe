import { makeWorkflowTaskHandler } from "../../handlers/aws/workflow-task.js";
import { awsRuntime } from "./runtime.js";

/* Lambda entry of every Task state: `WORKFLOW` and `TASK` say which task function this one runs. */
const runtime = await awsRuntime();
const workflow = process.env.WORKFLOW ?? "";
const tasks = runtime.application.workflowTasks[workflow];
if (!tasks)
  throw new Error(
    `WORKFLOW "${workflow}" is unknown; workflows: ${Object.keys(runtime.application.workflowTasks).join(", ")}`,
  );
export const handler = makeWorkflowTaskHandler(tasks, process.env.TASK);
