import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { httpApiEvent } from "../../test/aws/api-gateway-events.js";
import { startDynalite } from "../../test/support/dynalite.js";
import { bundleLambda, LAMBDA_ENTRIES, type LambdaBundle, REPO_ROOT } from "../lib/bundling.js";

const bundles = new Map<string, Promise<LambdaBundle>>();

/** `entry` bundled with the deploy's bundler into a fresh directory (once per entry in this file). */
function bundled(entry: string): Promise<LambdaBundle> {
  let built = bundles.get(entry);
  if (!built) {
    built = bundleLambda(entry, mkdtempSync(join(tmpdir(), "orderflow-bundle-")));
    bundles.set(entry, built);
  }
  return built;
}

/** The path of `entry`'s bundle. */
const bundle = async (entry: string) => (await bundled(entry)).file;

/** The environment of a function's process: settings, and test credentials (no AWS call leaves the machine). */
function functionEnvironment(settings: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    TABLE_NAME: "orderflow",
    SENDER_EMAIL: "shop@example.com",
    OBJECTS_BUCKET: "orderflow-objects",
    LOG_LEVEL: "silent",
    ...settings,
  };
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

/** dynalite (a DynamoDB emulator) with the deploy's table, named `orderflow`. */
async function startDynamoDb() {
  const dynamodb = await startDynalite("eu-west-1");
  await dynamodb.createTable("orderflow");
  return dynamodb;
}

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
    const output = execFileSync(process.execPath, [await bundle(entry)], { cwd: tmpdir(), encoding: "utf8" });
    expect(output).toMatch(/^%PDF- \d{4,}$/);
  }, 60_000);

  it.each(Object.entries(LAMBDA_ENTRIES))(
    "%s (%s) loads and exports its handler",
    async (name, entry) => {
      const probe = `const m = await import(${JSON.stringify(await bundle(entry))}); process.stdout.write(typeof m.handler);`;
      const output = execFileSync(process.execPath, ["--input-type=module", "-e", probe], {
        cwd: tmpdir(),
        encoding: "utf8",
        env: functionEnvironment(ENVIRONMENT[name as keyof typeof LAMBDA_ENTRIES]),
      });
      expect(output).toBe("function");
    },
    60_000,
  );

  it("stops a cold start on bad settings, naming each in English (outbox-relay bundle, settings read with zod/mini)", async () => {
    const probe = `await import(${JSON.stringify(await bundle(LAMBDA_ENTRIES.outboxRelay))});`;
    const run = () =>
      execFileSync(process.execPath, ["--input-type=module", "-e", probe], {
        cwd: tmpdir(),
        encoding: "utf8",
        stdio: "pipe",
        env: functionEnvironment({ ...ENVIRONMENT.outboxRelay, LOG_LEVEL: "loud", QUEUE_URLS: "[1]" }),
      });
    expect(run).toThrow(
      /Invalid function settings:[\s\S]*LOG_LEVEL: Invalid option: expected one of "info"\|"warn"\|"error"\|"silent"[\s\S]*QUEUE_URLS: Invalid input: expected record, received array/,
    );
  }, 60_000);

  it.each(Object.entries(LAMBDA_ENTRIES))("%s carries zod's English locale only", async (_name, entry) => {
    const { metafile } = await bundled(entry);
    const locales = Object.keys(metafile.inputs).filter((input) => /[\\/]zod[\\/].*locales[\\/]/.test(input));
    expect(locales.map((input) => input.slice(input.lastIndexOf("/") + 1)).sort()).toEqual(["en.js", "index.js"]);
  });

  it("serves the API from the HTTP bundle: DynamoDB requests answered, validation messages in English", async () => {
    const dynamodb = await startDynamoDb();
    try {
      const events = [
        httpApiEvent("GET", "/products"),
        httpApiEvent("POST", "/orders", { body: { items: [{ productId: "carrot-cake", quantity: 1 }] } }),
      ];
      const probe = `const { handler } = await import(${JSON.stringify(await bundle(LAMBDA_ENTRIES.http))});
const answers = [];
for (const event of ${JSON.stringify(events)}) answers.push(await handler(event, {}));
process.stdout.write(JSON.stringify(answers));`;
      // Asynchronously: dynalite answers from this process meanwhile.
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", probe], {
        cwd: tmpdir(),
        env: functionEnvironment({ ...ENVIRONMENT.http, AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint }),
      });
      const [products, order] = (JSON.parse(stdout) as Array<{ statusCode: number; body: string }>).map((answer) => ({
        status: answer.statusCode,
        body: JSON.parse(answer.body),
      }));
      expect(products).toMatchObject({ status: 200, body: { items: [] } });
      expect(order?.status).toBe(400);
      expect(order?.body.error.code).toBe("VALIDATION_FAILED");
      // zod's English messages, as the local runtime answers (not the bare "Invalid input" of no locale).
      expect(order?.body.error.fields).toContainEqual({
        path: "customer",
        message: "Invalid input: expected object, received undefined",
      });
    } finally {
      await dynamodb.close();
    }
  }, 60_000);

  it("counts a batch of Kinesis records with the order-events bundle: the shard's checkpoint read, then one transaction moving it and adding to the minute", async () => {
    // dynalite has no transactions: a stand-in endpoint records the requests and accepts them.
    const requests: Array<{ target: string; body: string }> = [];
    const endpoint = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        requests.push({ target: String(request.headers["x-amz-target"]), body });
        response.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    try {
      const event = (n: number) => ({
        seq: 1,
        id: `evt_${n}`,
        type: "order_received",
        key: `ord_${n}`,
        at: "2026-12-02T10:15:30.000Z",
        data: {},
      });
      const record = (n: number) => ({
        eventID: `shardId-000000000003:4959${n}`,
        kinesis: { data: Buffer.from(JSON.stringify(event(n))).toString("base64"), sequenceNumber: `4959${n}` },
      });
      const kinesisEvent = { Records: [record(41), record(42)] };
      const probe = `const { handler } = await import(${JSON.stringify(await bundle(LAMBDA_ENTRIES.orderEvents))});
process.stdout.write(JSON.stringify(await handler(${JSON.stringify(kinesisEvent)})));`;
      const { port } = endpoint.address() as AddressInfo;
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", probe], {
        cwd: tmpdir(),
        env: functionEnvironment({ ...ENVIRONMENT.orderEvents, AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}` }),
      });
      expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
      expect(requests.map((r) => r.target)).toEqual([
        "DynamoDB_20120810.GetItem",
        "DynamoDB_20120810.TransactWriteItems",
      ]);
      expect(requests[0]!.body).toContain('"shardId-000000000003"');
      const items = JSON.parse(requests[1]!.body).TransactItems;
      expect(items).toHaveLength(2);
      expect(JSON.stringify(items[0])).toContain('"495942"');
      expect(JSON.stringify(items[1])).toContain('"2026-12-02T10:15"');
      expect(JSON.stringify(items[1])).toContain('{"N":"2"}');
    } finally {
      await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    }
  }, 60_000);
});
