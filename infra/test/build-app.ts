import { App, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { CodeMode } from "../lib/app-function.js";
import { readConfig } from "../lib/config.js";
import { StatefulStack } from "../lib/stateful-stack.js";
import { StatelessStack } from "../lib/stateless-stack.js";

/**
 * The whole app. By default with inline stub code (no esbuild, no web upload, fast); `code: "bundle"`
 * bundles every Lambda entry and the built web app as a deploy does.
 */
export function buildApp(
  options: { nag?: boolean; context?: Record<string, unknown>; code?: CodeMode; outdir?: string } = {},
) {
  const code = options.code ?? "asset-free";
  const app = new App({ context: { code, ...options.context }, ...(options.outdir ? { outdir: options.outdir } : {}) });
  const env = { account: "123456789012", region: "eu-west-1" };
  const stateful = new StatefulStack(app, "OrderflowStateful", { env });
  const stateless = new StatelessStack(app, "OrderflowStateless", {
    env,
    stateful,
    config: readConfig(app.node),
    code,
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless };
}

/** Templates of both stacks, synthesized once per call. */
export function templates() {
  const { stateful, stateless } = buildApp();
  return { stateful: Template.fromStack(stateful), stateless: Template.fromStack(stateless) };
}
