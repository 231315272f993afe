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
});
