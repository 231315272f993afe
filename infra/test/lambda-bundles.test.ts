import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/app-function.js";
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES } from "../lib/bundling.js";

/** Bundles `entry` as NodejsFunction does for a deploy (same esbuild settings). */
async function bundle(entry: string): Promise<string> {
  const outputDir = mkdtempSync(join(tmpdir(), "orderflow-bundle-"));
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    banner: { js: LAMBDA_BUNDLING.banner },
    outfile: join(outputDir, "index.mjs"),
    logLevel: "error",
  });
  return outputDir;
}

/** Settings each function gets from the CDK app (enough to compose; no AWS call is made at import). */
const ENVIRONMENT: Record<keyof typeof LAMBDA_ENTRIES, Record<string, string>> = {
  http: { DEAD_LETTER_QUEUES: "{}" },
  consumer: { QUEUE_NAME: "delivery", CHANNEL_EMAIL: "courier@example.com" },
  workflowTask: { WORKFLOW: "order-pipeline", TASK: "IssueReceipt" },
  outboxRelay: {
    QUEUE_URLS: JSON.stringify(
      Object.fromEntries(
        [
          "order-pipeline",
          "delivery-requests",
          "delivery",
          "customer-service",
          "auction-schedules",
          "auction-closer",
          "auction-checkout",
          "auction-checkout-deadlines",
          "auction-qr-codes",
          "auction-notifications",
        ].map((name) => [name, `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`]),
      ),
    ),
    ORDER_EVENTS_STREAM: "orderflow-order-events",
  },
  orderEvents: {},
  objectCreated: {},
};

describe("Lambda bundles", () => {
  it("render a PDF receipt from the bundle alone (no font or data files beside it)", async () => {
    const source = readFileSync(join(REPO_ROOT, "src/adapters/local/pdf-receipt-renderer.test.ts"), "utf8");
    const receipt = source.slice(source.indexOf("const receipt"), source.indexOf("\n};\n") + 3);
    const dir = mkdtempSync(join(tmpdir(), "orderflow-pdf-entry-"));
    const entry = join(dir, "render.ts");
    writeFileSync(
      entry,
      `import { PdfReceiptRenderer } from ${JSON.stringify(join(REPO_ROOT, "src/adapters/local/pdf-receipt-renderer.ts"))};
${receipt.replace(": ReceiptData", "")}
const pdf = await new PdfReceiptRenderer().render(receipt as never);
process.stdout.write(Buffer.from(pdf).subarray(0, 5).toString() + " " + pdf.byteLength);`,
    );
    const outputDir = await bundle(entry);
    const output = execFileSync(process.execPath, [join(outputDir, "index.mjs")], { cwd: tmpdir(), encoding: "utf8" });
    expect(output).toMatch(/^%PDF- \d{4,}$/);
  }, 60_000);

  it.each(Object.entries(LAMBDA_ENTRIES))(
    "%s (%s) loads and exports its handler",
    async (name, entry) => {
      const outputDir = await bundle(join(REPO_ROOT, entry));
      const probe = `const m = await import(${JSON.stringify(join(outputDir, "index.mjs"))}); process.stdout.write(typeof m.handler);`;
      const output = execFileSync(process.execPath, ["--input-type=module", "-e", probe], {
        cwd: tmpdir(),
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          AWS_REGION: "eu-west-1",
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          TABLE_NAME: "orderflow",
          SENDER_EMAIL: "shop@example.com",
          OBJECTS_BUCKET: "orderflow-objects",
          LOG_LEVEL: "silent",
          ...ENVIRONMENT[name as keyof typeof LAMBDA_ENTRIES],
        },
      });
      expect(output).toBe("function");
    },
    60_000,
  );
});
