import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import { publicEvent } from "./present.js";

const HEARTBEAT_MS = 15_000;
/** How long a client waits before reconnecting (with Last-Event-ID) after a windowed response ends. */
const RECONNECT_MS = 2_000;

/** Where timelines come from, and how long one response may stay open. */
export interface TimelineFeed {
  events: EventLog;
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
  { events, windowMs }: TimelineFeed,
  afterSeq: number,
  /** What a viewer sees of an event; undefined leaves it out. */
  present: (event: StoredEvent) => StoredEvent | undefined = (event) => event,
) {
  let last = afterSeq;
  const deadline = windowMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + windowMs;
  return streamSSE(c, async (stream) => {
    let wake: (() => void) | undefined;
    const unwatch = events.watch(() => wake?.());
    stream.onAbort(() => {
      unwatch();
      wake?.();
    });
    try {
      while (!stream.aborted) {
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
    }
  });
}
