import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { type AppFunctionProps, appFunction, REPO_ROOT } from "./app-function.js";

/** Task names referenced by `${<Task>FunctionArn}` placeholders in an ASL file, in file order. */
export function taskPlaceholders(aslFile: string): string[] {
  const text = readFileSync(join(REPO_ROOT, aslFile), "utf8");
  return [...new Set([...text.matchAll(/\$\{(\w+)FunctionArn\}/g)].map((match) => match[1] as string))];
}

export interface WorkflowProps {
  /** ASL file relative to the repository root, shared with the local runtime. */
  readonly aslFile: string;
  /** Entry of the task Lambdas; the `WORKFLOW` and `TASK` environment variables select the task. */
  readonly taskEntry: string;
  /** The workflow's name in the application (`order-pipeline`), given to its tasks as `WORKFLOW`. */
  readonly workflowName: string;
  readonly code: AppFunctionProps["code"];
  /** Environment given to every task function. */
  readonly environment: Record<string, string>;
  /** Per-task timeout overrides, in seconds. */
  readonly timeouts?: Record<string, number>;
}

/**
 * An Express state machine built from the same ASL file as the local runtime, with one Lambda per Task
 * state (so each task gets only the permissions it needs), logging ALL events and X-Ray tracing on.
 */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Task functions by task name (`ChargePayment`, ...). */
  readonly tasks: Record<string, lambda.Function>;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const names = taskPlaceholders(props.aslFile);
    if (names.length === 0) throw new Error(`${props.aslFile} has no \${XxxFunctionArn} placeholders`);
    this.tasks = Object.fromEntries(
      names.map((task) => [
        task,
        appFunction(this, `${task}Function`, {
          code: props.code,
          entry: props.taskEntry,
          timeout: Duration.seconds(props.timeouts?.[task] ?? 30),
          environment: { ...props.environment, WORKFLOW: props.workflowName, TASK: task },
          description: `${id} task ${task}`,
        }),
      ]),
    );
    const logGroup = new logs.LogGroup(this, "Logs", {
      // Step Functions vended logs need the /aws/vendedlogs/ prefix to avoid the resource-policy size limit.
      logGroupName: `/aws/vendedlogs/states/${id}-${this.node.addr.slice(0, 8)}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      definitionBody: sfn.DefinitionBody.fromFile(join(REPO_ROOT, props.aslFile)),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(this.tasks).map(([task, fn]) => [`${task}FunctionArn`, fn.functionArn]),
      ),
      stateMachineType: sfn.StateMachineType.EXPRESS,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    Validations.of(this.stateMachine).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Added by CDK for tracing and logging: X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* and the CloudWatch Logs log-delivery actions do not support resource-level permissions.",
    });
    // The ASL calls each function by its unqualified ARN, so only those ARNs are granted (no `:*` versions).
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["lambda:InvokeFunction"],
        resources: Object.values(this.tasks).map((fn) => fn.functionArn),
      }),
    );
  }

  /** Lets a consumer start (and wait for) executions of this state machine only. */
  grantStart(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["states:StartExecution", "states:StartSyncExecution"],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );
  }
}
