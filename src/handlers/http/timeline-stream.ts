import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import { publicEvent } from "./present.js";

const HEARTBEAT_MS = 15_000;

/**
 * Streams the events of one key as Server-Sent Events: those after `afterSeq`, then each new one as
 * it commits. The SSE id is the event's sequence number, so `Last-Event-ID` resumes without gaps.
 */
export function timelineStream(
  c: Context,
  key: string,
  events: EventLog,
  afterSeq: number,
  visible: (event: StoredEvent) => boolean = () => true,
) {
  let last = afterSeq;
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
          if (!visible(event)) continue;
          await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(publicEvent(event)) });
        }
        const timedOut = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), HEARTBEAT_MS);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        if (timedOut && !stream.aborted) await stream.write(": keep-alive\n\n");
      }
    } finally {
      unwatch();
    }
  });
}
