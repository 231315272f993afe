import { type AwsRuntime, composeAwsRuntime, createAwsClients } from "./compose.js";
import { loadAwsConfig } from "./config.js";

let runtime: Promise<AwsRuntime> | undefined;

/** The runtime of this Lambda container: composed on the first call (the cold start), then reused. */
export function awsRuntime(): Promise<AwsRuntime> {
  runtime ??= composeAwsRuntime(loadAwsConfig(process.env), createAwsClients());
  return runtime;
}
