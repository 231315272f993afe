import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function signUp(email: string) {
  const password = "correct horse battery";
  const created = await server.api("/auth/sign-up", { body: { email, password, name: email.split("@")[0] } });
  expect(created.status).toBe(201);
  const signedIn = await server.api("/auth/sign-in", { body: { email, password } });
  expect(signedIn.status).toBe(200);
  return signedIn.body.token as string;
}

describe("object-level access", () => {
  it("a customer sees their own orders and never another customer's", async () => {
    const alice = await signUp("alice@example.com");
    const bob = await signUp("bob@example.com");
    const placed = await server.api("/orders", { body: orderBody(), token: alice });
    expect(placed.status).toBe(201);
    const id = placed.body.order.id;

    await server.idle(); // confirmed, its receipt stored: a 404 below is the access check, not "not ready yet"
    expect((await server.api(`/orders/${id}`, { token: alice })).status).toBe(200);
    expect((await server.api(`/orders/${id}/receipt`, { token: alice })).status).toBe(200);
    for (const [path, token] of [
      [`/orders/${id}`, bob],
      [`/orders/${id}/receipt`, bob],
      [`/orders/${id}/events`, bob],
      [`/orders/${id}`, undefined],
      [`/orders/${id}/receipt`, undefined],
      [`/orders/${id}/events`, undefined],
      [`/orders/${id}?token=wrong-token`, undefined],
      [`/orders/${id}/receipt?token=wrong-token`, undefined],
      [`/orders/${id}/events?token=wrong-token`, undefined],
    ] as const) {
      const denied = await server.api(path, token ? { token } : {});
      expect(denied.status, path).toBe(404);
      expect(denied.body.error.code, path).toBe("ORDER_NOT_FOUND");
    }

    expect((await server.api("/orders", { token: alice })).body.items.map((o: { id: string }) => o.id)).toEqual([id]);
    expect((await server.api("/orders", { token: bob })).body.items).toEqual([]);
  });

  it("a guest follows an order only with its tracking token", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const { id } = placed.body.order;
    expect((await server.api(`/orders/${id}?token=${placed.body.trackingToken}`)).status).toBe(200);
    expect((await server.api(`/orders/${id}`)).status).toBe(404);
    expect((await server.api("/orders")).status).toBe(401);
  });

  it("a guest's timeline (answer and live stream) leaves out staff identities and payment and storage references", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const { id } = placed.body.order;
    await server.idle();
    const maker = await server.tokenFor("maker");
    expect((await server.api(`/orders/${id}/fulfilled`, { body: {}, token: maker })).status).toBe(200);
    await server.idle();
    const staffOnly = ["by", "chargeId", "refundId", "receiptKey", "messageId"];
    const keysOf = (timeline: Array<{ data: Record<string, unknown> }>) => timeline.flatMap((e) => Object.keys(e.data));

    const asStaff = (await server.api(`/orders/${id}`, { token: maker })).body.timeline;
    expect(keysOf(asStaff)).toEqual(expect.arrayContaining(["by", "chargeId", "receiptKey", "messageId"]));
    const asGuest = (await server.api(`/orders/${id}?token=${placed.body.trackingToken}`)).body.timeline;
    expect(asGuest.map((e: { type: string }) => e.type)).toEqual(asStaff.map((e: { type: string }) => e.type));
    expect(keysOf(asGuest).filter((key) => staffOnly.includes(key))).toEqual([]);

    const abort = new AbortController();
    const stream = await fetch(`${server.url}/orders/${id}/events?token=${placed.body.trackingToken}`, {
      signal: abort.signal,
    });
    const reader = stream.body!.getReader();
    let text = "";
    while (!text.includes("event: order_fulfilled")) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    const streamed = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)));
    expect(streamed.length).toBe(asGuest.length);
    expect(keysOf(streamed).filter((key) => staffOnly.includes(key))).toEqual([]);
  });

  it("staff see every order", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    for (const role of ["admin", "maker", "courier"] as const) {
      const view = await server.api(`/orders/${placed.body.order.id}`, { token: await server.tokenFor(role) });
      expect(view.status, role).toBe(200);
    }
  });

  it("staff holding a tracking token (every receipt carries the link) are not the customer for it", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const { order, trackingToken } = placed.body;
    await server.idle();
    const [maker, courier] = [await server.tokenFor("maker"), await server.tokenFor("courier")];
    expect((await server.api(`/orders/${order.id}/fulfilled`, { body: {}, token: maker })).status).toBe(200);
    await server.idle();
    const delivered = (token: string) =>
      server.api(`/orders/${order.id}/delivered?token=${trackingToken}`, { body: {}, token });
    expect((await delivered(maker)).status).toBe(403);
    expect((await delivered(courier)).status).toBe(200);
    const review = await server.api(`/orders/${order.id}/feedback?token=${trackingToken}`, {
      body: { rating: 1, comment: "from the courier" },
      token: courier,
    });
    expect(review.status).toBe(403);
    const byGuest = await server.api(`/orders/${order.id}/feedback?token=${trackingToken}`, { body: { rating: 5 } });
    expect(byGuest.status).toBe(200);
  });

  it("role-restricted routes answer 401 to guests and 403 to the wrong role", async () => {
    const customer = await server.tokenFor("customer");
    const routes: Array<[string, string, unknown?]> = [
      ["POST", "/products", { name: "Pie", price: { amount: 100, currency: "EUR" }, stock: 1 }],
      ["PATCH", "/products/carrot-cake", { name: "Cheap cake" }],
      ["PUT", "/products/carrot-cake/stock", { stock: 1000 }],
      ["GET", "/admin/queues"],
      ["GET", "/admin/dead-letters"],
      ["POST", "/admin/dead-letters/redrive", {}],
    ];
    for (const [method, path, body] of routes) {
      const asGuest = await server.api(path, { method, ...(body ? { body } : {}) });
      expect(asGuest.status, `${method} ${path} as guest`).toBe(401);
      const asCustomer = await server.api(path, { method, token: customer, ...(body ? { body } : {}) });
      expect(asCustomer.status, `${method} ${path} as customer`).toBe(403);
      expect(asCustomer.body.error.code).toBe("FORBIDDEN");
    }
    expect((await server.api("/products/carrot-cake")).body.name).toBe("Carrot Cake");
  });

  it("an admin changes a product named by its catalog number, as it is read", async () => {
    const admin = await server.tokenFor("admin");
    const product = (await server.api("/products/2")).body;
    const stock = await server.api("/products/2/stock", { method: "PUT", body: { stock: 7 }, token: admin });
    expect(stock.status).toBe(200);
    expect(stock.body).toMatchObject({ id: product.id, stock: 7 });
    const renamed = await server.api("/products/2", { method: "PATCH", body: { name: product.name }, token: admin });
    expect(renamed.status).toBe(200);
    expect((await server.api("/products/99999", { method: "PATCH", body: { name: "x" }, token: admin })).status).toBe(
      404,
    );
  });

  it("staff page through all orders with a cursor and filter them by status", async () => {
    const admin = await server.tokenFor("admin");
    for (let i = 0; i < 3; i++) await server.api("/orders", { body: orderBody() });
    await server.idle();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await server.api(`/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, {
        token: admin,
      });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((o: { id: string }) => o.id));
      cursor = page.body.cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all = (await server.api("/orders?limit=100", { token: admin })).body.items;
    expect(seen).toEqual(all.map((o: { id: string }) => o.id));
    const created = all.map((o: { createdAt: string }) => o.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const confirmed = (await server.api("/orders?status=confirmed&limit=100", { token: admin })).body.items;
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.every((o: { status: string }) => o.status === "confirmed")).toBe(true);
  });

  it("a forged or garbage token is refused", async () => {
    const response = await server.api("/orders", { token: "not.a.jwt" });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("INVALID_TOKEN");
  });
});

describe("credentials and response headers", () => {
  it("signs in and up with a stale or broken token still attached (a browser tab left open for a day)", async () => {
    const stale = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMSIsImV4cCI6MX0.c2lnbmF0dXJl";
    const headers = { authorization: `Bearer ${stale}` };
    const signUp = await server.api("/auth/sign-up", {
      body: { email: "stale@example.com", password: "correct horse battery", name: "Stale" },
      headers,
    });
    expect(signUp.status).toBe(201);
    const signIn = await server.api("/auth/sign-in", {
      body: { email: "stale@example.com", password: "correct horse battery" },
      headers,
    });
    expect(signIn.status).toBe(200);
    // Elsewhere the token is refused, with the challenge RFC 6750 asks for.
    const refused = await server.api("/products", { headers });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("INVALID_TOKEN");
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="orderflow", error="invalid_token"');
    const guest = await server.api("/orders");
    expect(guest.status).toBe(401);
    expect(guest.headers.get("www-authenticate")).toBe('Bearer realm="orderflow"');
  });

  it("answers password guessing with 429 and Retry-After once an address has had ten wrong passwords", async () => {
    await signUp("guessed@example.com");
    const body = { email: "guessed@example.com", password: "not the password" };
    for (let i = 0; i < 10; i++) expect((await server.api("/auth/sign-in", { body })).status).toBe(401);
    const throttled = await server.api("/auth/sign-in", { body: { ...body, password: "correct horse battery" } });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe("TOO_MANY_SIGN_INS");
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(800);
  });

  it("keeps API answers out of caches and tells browsers not to sniff their type", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const tracked = await server.api(`/orders/${placed.body.order.id}?token=${placed.body.trackingToken}`);
    for (const answer of [placed, tracked, await server.api("/products"), await server.api("/no-such-route")]) {
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});
