import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "../../src/handlers/http/json-body.js";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.tokenFor("admin");
});
afterAll(async () => {
  await server.close();
});

async function orderCount() {
  return (await server.api("/orders?limit=100", { token: admin })).body.items.length;
}

function expectErrorShape(body: any, code: string) {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
}

describe("bad input gets a clear 4xx and stores nothing", () => {
  const badOrders: Array<[string, unknown, string[]]> = [
    ["no items", orderBody({ items: [] }), ["items"]],
    ["zero quantity", orderBody({ items: [{ productId: "carrot-cake", quantity: 0 }] }), ["items.0.quantity"]],
    ["fractional quantity", orderBody({ items: [{ productId: "carrot-cake", quantity: 1.5 }] }), ["items.0.quantity"]],
    ["huge quantity", orderBody({ items: [{ productId: "carrot-cake", quantity: 1000 }] }), ["items.0.quantity"]],
    [
      "a client-set price",
      orderBody({ items: [{ productId: "carrot-cake", quantity: 1, price: 1 }] }),
      ["items.0.price"],
    ],
    ["a client-set status and total", { ...orderBody(), status: "confirmed", total: 1 }, ["status", "total"]],
    ["a bad e-mail", orderBody({ customer: { name: "A", email: "not-an-email" } }), ["customer.email"]],
    [
      "a bad country",
      orderBody({ deliveryAddress: { line1: "x", city: "y", postalCode: "1", country: "Netherlands" } }),
      ["deliveryAddress.country"],
    ],
    ["a bad card", orderBody({ payment: { card: "12" } }), ["payment.card"]],
    ["a mistyped card number (Luhn check)", orderBody({ payment: { card: "4242 4242 4242 4241" } }), ["payment.card"]],
    [
      "the same product twice",
      orderBody({
        items: [
          { productId: "carrot-cake", quantity: 1 },
          { productId: "carrot-cake", quantity: 1 },
        ],
      }),
      ["items"],
    ],
    ["a missing customer", { ...orderBody(), customer: undefined }, ["customer"]],
  ];

  it.each(badOrders)("POST /orders with %s → 400 naming the fields", async (_name, body, fields) => {
    const before = await orderCount();
    const response = await server.api("/orders", { body });
    expect(response.status).toBe(400);
    expectErrorShape(response.body, "VALIDATION_FAILED");
    expect(response.body.error.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(fields));
    expect(await orderCount()).toBe(before);
  });

  it("POST /orders names one thing wrong with a card number: its form, else its checksum", async () => {
    const cardErrors = async (card: string) =>
      (await server.api("/orders", { body: orderBody({ payment: { card } }) })).body.error.fields;
    expect(await cardErrors("12")).toEqual([
      { path: "payment.card", message: "Give a card number (12-19 digits) or a card token" },
    ]);
    expect(await cardErrors("4242 4242 4242 4241")).toEqual([
      { path: "payment.card", message: "This card number is not valid: check it for typos" },
    ]);
  });

  it("POST /orders for a product that does not exist → 400 UNKNOWN_PRODUCT naming the line", async () => {
    const response = await server.api("/orders", { body: orderBody({ items: [{ productId: "nope", quantity: 1 }] }) });
    expect(response.status).toBe(400);
    expectErrorShape(response.body, "UNKNOWN_PRODUCT");
    expect(response.body.error.fields).toEqual([{ path: "items.0.productId", message: "There is no such product" }]);
  });

  it("POST /orders naming one product twice (by id, by catalog number, or both) → 400 naming the repeat, nothing stored", async () => {
    const [product] = (await server.api("/products?limit=1")).body.items as Array<{ id: string; number: number }>;
    const before = await orderCount();
    for (const second of [product!.id, String(product!.number)]) {
      const items = [
        { productId: product!.id, quantity: 1 },
        { productId: second, quantity: 2 },
      ];
      const response = await server.api("/orders", { body: orderBody({ items }) });
      expect(response.status).toBe(400);
      expectErrorShape(response.body, "VALIDATION_FAILED");
      const fields = response.body.error.fields as Array<{ path: string; message: string }>;
      expect(fields.map((field) => field.message)).toEqual(["List each product once; use quantity for more"]);
    }
    expect(await orderCount()).toBe(before);
  });

  it("malformed JSON → 400 in the standard error shape", async () => {
    const response = await server.api("/orders", { rawBody: '{"items": [' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toMatch(/MALFORMED_REQUEST|VALIDATION_FAILED/);
  });

  it("a JSON body over 1 MiB → 413 PAYLOAD_TOO_LARGE, declared or streamed in chunks, and nothing stored", async () => {
    const before = await orderCount();
    const padded = (bytes: number) => JSON.stringify({ ...orderBody(), note: "x".repeat(bytes) });
    const declared = await server.api("/orders", { rawBody: padded(MAX_JSON_BODY_BYTES) });
    expect(declared.status).toBe(413);
    expectErrorShape(declared.body, "PAYLOAD_TOO_LARGE");
    // No Content-Length: the body is sent chunked and counted as it arrives.
    const chunks = new TextEncoder().encode(padded(MAX_JSON_BODY_BYTES));
    const streamed = await fetch(`${server.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < chunks.length; at += 64 * 1024) controller.enqueue(chunks.slice(at, at + 64 * 1024));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expectErrorShape(await streamed.json(), "PAYLOAD_TOO_LARGE");
    // Under the limit the body is read and validated as usual.
    const under = await server.api("/orders", { rawBody: padded(MAX_JSON_BODY_BYTES - 2048) });
    expect(under.status).toBe(400);
    expect(under.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["note"]);
    expect(await orderCount()).toBe(before);
  });

  it("answers a method a path does not take with 405 and the methods it does (Allow), and OPTIONS with 204", async () => {
    const wrong = await fetch(`${server.url}/products/carrot-cake`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expectErrorShape(await wrong.json(), "METHOD_NOT_ALLOWED");
    expect(wrong.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "HEAD", "OPTIONS", "PATCH"]);
    const options = await fetch(`${server.url}/orders`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "HEAD", "OPTIONS", "POST"]);
    const unknown = await fetch(`${server.url}/no/such/path`, { method: "PUT" });
    expect(unknown.status).toBe(404);
    expectErrorShape(await unknown.json(), "ROUTE_NOT_FOUND");
    expect((await server.api("/products/carrot-cake")).body.name).toBe("Carrot Cake");
  });

  it("refuses a request without the body its route needs (400 naming body), before it does anything", async () => {
    const admin = await server.tokenFor("admin");
    const before = await orderCount();
    for (const [method, path, token] of [
      ["POST", "/orders", undefined],
      ["PATCH", "/products/carrot-cake", admin],
      ["POST", "/admin/dead-letters/redrive", admin],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect(response.status, `${method} ${path}`).toBe(400);
      const body = await response.json();
      expectErrorShape(body, "VALIDATION_FAILED");
      expect(body.error.fields).toEqual([{ path: "body", message: expect.any(String) }]);
    }
    // A guest on a route for signed-in users hears 401 first.
    expect((await fetch(`${server.url}/products`, { method: "POST" })).status).toBe(401);
    expect(await orderCount()).toBe(before);
  });

  it("refuses a body of a type no route reads with 415 UNSUPPORTED_MEDIA_TYPE, storing nothing", async () => {
    const before = await orderCount();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      const response = await fetch(`${server.url}/orders`, {
        method: "POST",
        headers: { "content-type": type },
        body: JSON.stringify(orderBody()),
      });
      expect(response.status, type).toBe(415);
      expectErrorShape(await response.json(), "UNSUPPORTED_MEDIA_TYPE");
    }
    expect(await orderCount()).toBe(before);
  });

  it("an Idempotency-Key never makes the server read a body it would not read without one", async () => {
    // A body that starts and never ends: answered at once means the server did not wait to read it all.
    const answerWithOpenBody = (path: string, contentType: string) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${server.url}${path}`, {
          method: "POST",
          headers: {
            "content-type": contentType,
            "idempotency-key": `open-body-${path}`,
            "transfer-encoding": "chunked",
          },
        });
        request.on("response", (response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        request.on("error", reject);
        request.write("x".repeat(64 * 1024));
      });
    const within = <T>(answer: Promise<T>) =>
      Promise.race([
        answer,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("still reading")), 3000)),
      ]);
    expect(await within(answerWithOpenBody("/nowhere", "text/plain"))).toBe(404);
    expect(await within(answerWithOpenBody("/orders", "text/plain"))).toBe(415);
  });

  it("an invalid Idempotency-Key header → 400", async () => {
    const response = await server.api("/orders", { body: orderBody(), headers: { "idempotency-key": "has space" } });
    expect(response.status).toBe(400);
    expect(response.body.error.fields[0].path).toBe("headers.idempotency-key");
  });

  it("admin product routes validate their bodies", async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ["POST", "/products", { name: "", price: { amount: 100, currency: "EUR" }, stock: 1 }, "name"],
      ["POST", "/products", { name: "Pie", price: { amount: -1, currency: "EUR" }, stock: 1 }, "price.amount"],
      ["POST", "/products", { name: "Pie", price: { amount: 100, currency: "euro" }, stock: 1 }, "price.currency"],
      ["POST", "/products", { name: "Pie", price: { amount: 100, currency: "EUR" }, stock: 1, id: "x" }, "id"],
      ["PATCH", "/products/carrot-cake", { stock: 5 }, "stock"],
      ["PUT", "/products/carrot-cake/stock", { stock: -1 }, "stock"],
      ["PUT", "/products/carrot-cake/stock", { stock: "ten" }, "stock"],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await server.api(path, { method, body, token: admin });
      expect(response.status, `${method} ${path}`).toBe(400);
      expect(response.body.error.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    const products = (await server.api("/products")).body.items;
    expect(products.map((p: { name: string }) => p.name)).not.toContain("Pie");
  });

  it("queries and path parameters are validated too", async () => {
    expect((await server.api("/orders?limit=0", { token: admin })).status).toBe(400);
    expect((await server.api("/orders?status=eaten", { token: admin })).status).toBe(400);
    expect((await server.api("/products?limit=abc")).status).toBe(400);
    const missing = await server.api("/products/no-such-cake");
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body, "PRODUCT_NOT_FOUND");
  });

  it("unknown routes answer 404 in the standard shape", async () => {
    const response = await server.api("/nowhere");
    expect(response.status).toBe(404);
    expectErrorShape(response.body, "ROUTE_NOT_FOUND");
  });

  it("sign-up refuses bad input and client-chosen roles", async () => {
    const weak = await server.api("/auth/sign-up", { body: { email: "x@example.com", password: "short", name: "X" } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields.map((f: { path: string }) => f.path)).toContain("password");
    const roles = await server.api("/auth/sign-up", {
      body: { email: "y@example.com", password: "long enough password", name: "Y", roles: ["admin"] },
    });
    expect(roles.status).toBe(400);
    expect(roles.body.error.fields.map((f: { path: string }) => f.path)).toContain("roles");
    const unreadable = await server.api("/auth/sign-up", {
      body: { email: "not an address", password: "x", name: " " },
    });
    expect(unreadable.body.error.fields).toEqual([
      { path: "email", message: "Enter an e-mail address like ada@example.com" },
      { path: "password", message: "Use at least 10 characters" },
      { path: "name", message: "Give your name" },
    ]);
  });

  it("sign-up with an e-mail that has an account names the e-mail field (409)", async () => {
    const body = { email: "taken@example.com", password: "long enough password", name: "T" };
    expect((await server.api("/auth/sign-up", { body })).status).toBe(201);
    const again = await server.api("/auth/sign-up", { body: { ...body, email: "Taken@Example.com" } });
    expect(again.status).toBe(409);
    expectErrorShape(again.body, "EMAIL_TAKEN");
    expect(again.body.error.fields).toEqual([{ path: "email", message: "An account with this e-mail already exists" }]);
  });
});
