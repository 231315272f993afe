import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { DomainError } from "../../domain/shared/errors.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import { publicEvent } from "./present.js";

const HEARTBEAT_MS = 15_000;
/** How long a client waits before reconnecting (with Last-Event-ID) after a windowed response ends. */
const RECONNECT_MS = 2_000;

/**
 * How many live timelines may be open at once. Each holds a connection and wakes on its key's events;
 * beyond the limit a new one is refused with 503 TOO_MANY_STREAMS and Retry-After (the browser's
 * EventSource tries again), so one client opening thousands cannot exhaust the server.
 */
export class OpenStreams {
  private open = 0;
  constructor(readonly max: number) {}

  /** Takes a place, or throws TOO_MANY_STREAMS; the returned function gives it back (once). */
  take(): () => void {
    if (this.open >= this.max) {
      const error = new DomainError(
        "TOO_MANY_STREAMS",
        "unavailable",
        "Too many live updates are open right now; try again shortly",
      );
      error.details = { retryAfterSeconds: RECONNECT_MS / 1000 };
      throw error;
    }
    this.open++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.open--;
    };
  }
}

/** Where timelines come from, and how long one response may stay open. */
export interface TimelineFeed {
  events: EventLog;
  /** The places for open streams, shared by every timeline route of the app; unlimited when absent. */
  streams?: OpenStreams;
  /**
   * Unset: a response streams until the client leaves (the local server). A number: the response
   * ends after that many ms and the client's EventSource reconnects with Last-Event-ID. On Lambda
   * behind API Gateway (buffered responses) it is 0: each request answers with what is new.
   */
  windowMs?: number;
}

/**
 * Streams the events of one key as Server-Sent Events: those after `afterSeq`, then each new one as
 * it commits. The SSE id is the event's sequence number, so `Last-Event-ID` resumes without gaps.
 */
export function timelineStream(
  c: Context,
  key: string,
  { events, windowMs, streams }: TimelineFeed,
  afterSeq: number,
  /** What a viewer sees of an event; undefined leaves it out. */
  present: (event: StoredEvent) => StoredEvent | undefined = (event) => event,
  /** Checked before each later batch: a viewer whose session ended gets no more and the stream ends. */
  stillAllowed: () => Promise<boolean> = async () => true,
) {
  let last = afterSeq;
  const deadline = windowMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + windowMs;
  const release = streams?.take() ?? (() => {});
  return streamSSE(c, async (stream) => {
    let wake: (() => void) | undefined;
    // Woken by commits of this key only (or of any key, when the store cannot say which).
    const unwatch = events.watch((keys) => {
      if (!keys || keys.has(key)) wake?.();
    });
    stream.onAbort(() => {
      unwatch();
      release();
      wake?.();
    });
    try {
      for (let batch = 0; !stream.aborted; batch++) {
        if (batch > 0 && !(await stillAllowed())) break;
        for (const event of await events.listByKey(key, last)) {
          last = event.seq;
          const shown = present(event);
          if (!shown) continue;
          await stream.writeSSE({
            id: String(event.seq),
            event: event.type,
            data: JSON.stringify(publicEvent(shown)),
            ...(windowMs === undefined ? {} : { retry: RECONNECT_MS }),
          });
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          if (windowMs !== undefined) await stream.write(`retry: ${RECONNECT_MS}\n\n`);
          break;
        }
        const timedOut = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), Math.min(HEARTBEAT_MS, left));
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        if (timedOut && !stream.aborted && Date.now() < deadline) await stream.write(": keep-alive\n\n");
      }
    } finally {
      unwatch();
      release();
    }
  });
}
