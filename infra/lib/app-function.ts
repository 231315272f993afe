import { existsSync } from "node:fs";
import { join } from "node:path";
import { AssetHashType, DockerImage, type Duration, type ILocalBundling, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { bundleLambdaSync, REPO_ROOT } from "./bundling.js";

export { REPO_ROOT };

/**
 * How function code is produced:
 * - `bundle`: `entry` bundled by the project's Lambda bundler (`bundling.ts`, local esbuild, no Docker)
 *   for real deploys (`infra/app.ts`);
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
  return new lambda.Function(scope, id, {
    ...common,
    handler: "index.handler", // `handler` exported by index.mjs (BUNDLE_FILE)
    code: lambdaBundle(props.entry),
  });
}

/** Bundles a Lambda entry with the project's bundler, run synchronously as CDK asset bundling asks. */
class LocalLambdaBundling implements ILocalBundling {
  /** Part of the asset's cache key: functions of one entry share a single bundling per synthesis. */
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    bundleLambdaSync(this.entry, outputDir);
    return true;
  }
}

/**
 * The code asset of an entry, staged as NodejsFunction stages it: bundled locally (the Docker image is
 * never used), hashed by the bundle's content, and skipped for stacks outside `cdk deploy`'s selection.
 */
function lambdaBundle(entry: string): lambda.AssetCode {
  return lambda.Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: { image: DockerImage.fromRegistry("dummy"), local: new LocalLambdaBundling(entry) },
  });
}
