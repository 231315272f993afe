import { describe, expect, it } from "vitest";
import { orderBody, startTestServer } from "../support/test-server.js";

describe("stopping the server", () => {
  it("ends live timelines instead of waiting for their viewers to leave", async () => {
    const server = await startTestServer();
    const placed = await server.api("/orders", { body: orderBody() });
    const stream = await fetch(
      `${server.url}/orders/${placed.body.order.id}/events?token=${placed.body.trackingToken}`,
    );
    const reader = stream.body!.getReader();
    await reader.read(); // the stream is open and has started answering
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    // The viewer's stream has ended (or broke off), so its EventSource reconnects elsewhere.
    const rest = await (async () => {
      try {
        for (;;) if ((await reader.read()).done) return "ended";
      } catch {
        return "cut";
      }
    })();
    expect(["ended", "cut"]).toContain(rest);
  }, 30_000);

  it("says which port is in use when it cannot listen, and leaves nothing running", async () => {
    const first = await startTestServer();
    try {
      const port = String(new URL(first.url).port);
      await expect(startTestServer({ PORT: port })).rejects.toThrow(
        `Port ${port} is in use (127.0.0.1:${port}): stop what is using it, or start with another PORT`,
      );
    } finally {
      await first.close();
    }
  });

  it("refuses a live stream beyond MAX_LIVE_STREAMS with 503 and Retry-After, and takes one again once a place is free", async () => {
    const server = await startTestServer({ MAX_LIVE_STREAMS: "2" });
    try {
      const placed = await server.api("/orders", { body: orderBody() });
      const url = `${server.url}/orders/${placed.body.order.id}/events?token=${placed.body.trackingToken}`;
      const open = async () => {
        const abort = new AbortController();
        const response = await fetch(url, { signal: abort.signal });
        return { response, abort };
      };
      const [first, second] = [await open(), await open()];
      expect([first.response.status, second.response.status]).toEqual([200, 200]);
      const third = await fetch(url);
      expect(third.status).toBe(503);
      expect(third.headers.get("retry-after")).toBe("2");
      expect((await third.json()).error.code).toBe("TOO_MANY_STREAMS");
      first.abort.abort();
      await expect(first.response.body!.getReader().read()).rejects.toThrow();
      // The server sees the viewer leave on its next write or wake; a new stream gets the place then.
      let again = await fetch(url);
      for (let i = 0; again.status === 503 && i < 50; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        again = await fetch(url);
      }
      expect(again.status).toBe(200);
      await again.body?.cancel();
      second.abort.abort();
    } finally {
      await server.close();
    }
  }, 30_000);
});
