/**
 * How every Lambda bundle is built: by NodejsFunction in the CDK app and by the bench's size report
 * (`bench/bundle-sizes.ts`), so the sizes reported are the sizes deployed.
 */
export const LAMBDA_BUNDLING = {
  minify: true,
  target: "node22",
  /** Bundle everything, AWS SDK v3 included: tree-shaken clients pinned to what the tests ran against. */
  externalModules: [] as string[],
  /** ESM bundles of CommonJS dependencies need a real `require`. */
  banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
} as const;

/** The Lambda entry points (files under src/runtime/aws/), by role. */
export const LAMBDA_ENTRIES = {
  http: "src/runtime/aws/http.ts",
  consumer: "src/runtime/aws/consumer.ts",
  workflowTask: "src/runtime/aws/workflow-task.ts",
  outboxRelay: "src/runtime/aws/outbox-relay.ts",
  orderEvents: "src/runtime/aws/order-events.ts",
  objectCreated: "src/runtime/aws/object-created.ts",
} as const;
