import { buildUrl, type TimelineEvent, tokenStore } from "./client";

/**
 * Follows `GET /auctions/{id}/events` (Server-Sent Events: `bid_placed`, `auction_closed`,
 * `auction_cancelled`, …) with fetch streaming, resuming after the last sequence number it saw.
 * Returns a function that stops following.
 */
export function followAuction(
  id: string,
  onEvent: (event: TimelineEvent) => void,
  onState: (state: "live" | "reconnecting") => void,
) {
  const controller = new AbortController();
  let lastSeq = 0;

  async function connect() {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    const token = tokenStore.get();
    if (token) headers.authorization = `Bearer ${token}`;
    if (lastSeq) headers["last-event-id"] = String(lastSeq);
    const response = await fetch(buildUrl("/auctions/{id}/events", { id }), { headers, signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    onState("live");
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (data) {
          const event = JSON.parse(data) as TimelineEvent;
          lastSeq = Math.max(lastSeq, event.seq);
          onEvent(event);
        }
        end = buffer.indexOf("\n\n");
      }
    }
  }

  void (async () => {
    while (!controller.signal.aborted) {
      try {
        await connect();
      } catch {
        // reconnect below unless stopped
      }
      if (controller.signal.aborted) return;
      onState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  })();
  return () => controller.abort();
}
