import { ApiError, buildUrl, send, type TimelineEvent } from "./client";

/** `stopped`: the server refused the stream (not found, not yours), so asking again cannot help. */
export type StreamState = "connecting" | "live" | "reconnecting" | "stopped";

/** A refusal that a retry cannot change (timeouts and rate limits are worth another try). */
const final = (error: unknown) =>
  error instanceof ApiError && error.status >= 400 && error.status < 500 && ![408, 429].includes(error.status);

/**
 * Follows a Server-Sent Events timeline with fetch streaming rather than EventSource, so a signed-in
 * user can authenticate with a header; it reconnects with `Last-Event-ID` after the last sequence
 * number it saw. Returns a function that stops following.
 */
function followEvents(url: string, onEvent: (event: TimelineEvent) => void, onState: (state: StreamState) => void) {
  const controller = new AbortController();
  let lastSeq = 0;

  /** Set by the server's `retry:` field: it ends each response on purpose (API Gateway buffers responses). */
  let retryMs: number | undefined;

  /** Follows one response; true when the server ended it on purpose (a polling answer, not an outage). */
  async function connect(): Promise<boolean> {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastSeq) headers["last-event-id"] = String(lastSeq);
    const response = await send(url, { headers, signal: controller.signal });
    if (!response.body) throw new Error("the stream has no body");
    onState("live");
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return retryMs !== undefined;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const retry = block.split("\n").find((line) => line.startsWith("retry:"));
        if (retry) retryMs = Number(retry.slice(6).trim()) || undefined;
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
      let endedOnPurpose = false;
      try {
        endedOnPurpose = await connect();
      } catch (error) {
        if (final(error)) return onState("stopped");
        // otherwise reconnect below unless stopped
      }
      if (controller.signal.aborted) return;
      if (!endedOnPurpose) onState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, endedOnPurpose ? (retryMs ?? 1500) : 1500));
    }
  })();
  return () => controller.abort();
}

/** An order's live timeline (`GET /orders/{id}/events`); guests pass their tracking token. */
export function followOrder(
  id: string,
  trackingToken: string | undefined,
  onEvent: (event: TimelineEvent) => void,
  onState: (state: StreamState) => void,
) {
  return followEvents(buildUrl("/orders/{id}/events", { id }, { token: trackingToken }), onEvent, onState);
}

/** An auction's live bids and outcome (`GET /auctions/{id}/events`). */
export function followAuction(
  id: string,
  onEvent: (event: TimelineEvent) => void,
  onState: (state: StreamState) => void,
) {
  return followEvents(buildUrl("/auctions/{id}/events", { id }), onEvent, onState);
}
