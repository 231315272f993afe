import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { LAMBDA_BUNDLING } from "./bundling.js";

/** The repository root (this file is infra/lib/app-function.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * How function code is produced:
 * - `bundle`: NodejsFunction bundles `entry` with the local esbuild (real deploys, `infra/app.ts`);
 * - `asset-free`: a one-line inline handler, so tests synthesize without the entry files and without esbuild.
 */
export type CodeMode = "bundle" | "asset-free";

export interface AppFunctionProps {
  readonly code: CodeMode;
  /**
   * Entry file relative to the repository root, e.g. `src/runtime/aws/http.ts` (see LAMBDA_ENTRIES).
   */
  readonly entry: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  readonly description?: string;
}

/** A Node.js 22 arm64 Lambda with JSON logs in its own log group (one month retention). */
export function appFunction(scope: Construct, id: string, props: AppFunctionProps): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // An explicit role that may write only to this function's log group (instead of the AWS-managed
  // AWSLambdaBasicExecutionRole, which allows writing to every log group of the account).
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
  });
  logGroup.grantWrite(role);
  const common = {
    role,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    timeout: props.timeout,
    memorySize: props.memorySize ?? 512,
    environment: { ...props.environment },
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup,
    ...(props.description ? { description: props.description } : {}),
  };
  if (props.code === "asset-free") {
    return new lambda.Function(scope, id, {
      ...common,
      handler: "index.handler",
      code: lambda.Code.fromInline("exports.handler=async()=>{}"),
    });
  }
  const entry = join(REPO_ROOT, props.entry);
  if (!existsSync(entry)) {
    throw new Error(`Lambda entry ${props.entry} does not exist.`);
  }
  return new NodejsFunction(scope, id, {
    ...common,
    entry,
    handler: "handler",
    projectRoot: REPO_ROOT,
    depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
    bundling: {
      forceDockerBundling: false,
      minify: LAMBDA_BUNDLING.minify,
      format: OutputFormat.ESM,
      target: LAMBDA_BUNDLING.target,
      externalModules: [...LAMBDA_BUNDLING.externalModules],
      banner: LAMBDA_BUNDLING.banner,
    },
  });
}
