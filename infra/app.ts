import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { CodeMode } from "./lib/app-function.js";
import { readConfig } from "./lib/config.js";
import { StatefulStack } from "./lib/stateful-stack.js";
import { StatelessStack } from "./lib/stateless-stack.js";

/**
 * The orderflow CDK app. `npm run synth` writes the templates to infra/cdk.out; `npm run deploy` deploys.
 * Functions are bundled from `src/runtime/aws/*.ts` with the local esbuild (`npm run synth`; the web app must be
 * built first). `-c code=asset-free` (inline stub handlers, no web upload) checks the rest quickly.
 */
const app = new App();
const code: CodeMode = app.node.tryGetContext("code") === "asset-free" ? "asset-free" : "bundle";
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

const stateful = new StatefulStack(app, "OrderflowStateful", { env });
new StatelessStack(app, "OrderflowStateless", { env, stateful, config: readConfig(app.node), code });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
