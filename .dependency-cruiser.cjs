/** Architecture boundaries (DESIGN.md "Layers"): dependencies point inward only. */
module.exports = {
  forbidden: [
    {
      name: "no-domain-to-outer-layers",
      comment: "The domain is pure: no ports, application, adapters, handlers, runtime or infra.",
      severity: "error",
      from: { path: "^src/domain" },
      to: { path: "^src/(ports|application|adapters|handlers|runtime)|^infra" },
    },
    {
      name: "no-domain-io",
      comment: "The domain uses no Node built-ins, AWS SDK or I/O libraries; zod is its only dependency.",
      severity: "error",
      from: { path: "^src/domain" },
      to: { dependencyTypes: ["core", "npm", "npm-dev"], pathNot: "node_modules/zod/" },
    },
    {
      name: "no-application-to-adapters",
      comment: "Use cases depend on ports, never on adapters, handlers or the runtime.",
      severity: "error",
      from: { path: "^src/(application|ports)" },
      to: { path: "^src/(adapters|handlers|runtime)" },
    },
    {
      name: "no-application-io",
      comment: "Use cases reach the world only through ports.",
      severity: "error",
      from: { path: "^src/(application|ports)" },
      to: { dependencyTypes: ["core", "npm", "npm-dev"], pathNot: "node_modules/zod/" },
    },
    {
      name: "handlers-not-to-adapters",
      comment: "Handlers never know where they run: no adapter or runtime imports.",
      severity: "error",
      from: { path: "^src/handlers" },
      to: { path: "^src/(adapters|runtime)" },
    },
    {
      name: "adapters-not-to-handlers-or-runtime",
      severity: "error",
      from: { path: "^src/adapters" },
      to: { path: "^src/(handlers|runtime|application)" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
