import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { buildApp } from "./build-app.js";

describe("cdk-nag AwsSolutions", () => {
  it("reports no unacknowledged finding for the whole app", () => {
    const { app } = buildApp({ nag: true });
    expect(() => app.synth()).not.toThrow();
  });

  it("synthesizes for a deploy (every Lambda bundled, the web app uploaded) with no unacknowledged finding", () => {
    const { app, stateless } = buildApp({
      nag: true,
      code: "bundle",
      outdir: mkdtempSync(join(tmpdir(), "orderflow-cdk-")),
    });
    const assembly = app.synth();
    const template = assembly.getStackByName(stateless.stackName).template as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types).toContain("Custom::CDKBucketDeployment");
    expect(types.filter((type) => type === "AWS::Lambda::Function").length).toBeGreaterThan(20);
  }, 180_000);

  it("fails synthesis on a finding nobody acknowledged (the check is live)", () => {
    const app = new App();
    const stack = new Stack(app, "Bad");
    new s3.Bucket(stack, "Leaky"); // no TLS-only policy, no access logs
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S(1|10)/);
  });

  it("records a non-trivial reason on every acknowledgement", () => {
    const { app } = buildApp();
    const reasons: Array<{ id: string; reason: string }> = [];
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        // Recorded as { "<prefix>::<rule id>": reason }.
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) reasons.push({ id, reason });
      }
    }
    expect(reasons.length).toBeGreaterThanOrEqual(10);
    for (const { id, reason } of reasons) expect(reason.length, id).toBeGreaterThanOrEqual(60);
  });
});
