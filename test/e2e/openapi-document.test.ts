import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1, describes every route, and the committed docs/openapi.json is up to date (npm run openapi)", async () => {
    const served = (await server.api("/openapi.json")).body;
    expect(served.openapi).toBe("3.1.0");
    expect(Object.keys(served.paths)).toEqual(
      expect.arrayContaining([
        "/orders",
        "/orders/{id}",
        "/orders/{id}/events",
        "/auctions/{id}/bids",
        "/admin/dead-letters",
      ]),
    );
    const committed = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8"));
    expect(committed).toEqual(served);
  });
});
