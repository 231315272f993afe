import { useEffect, useState } from "react";
import { call, type Order, type TimelineEvent } from "../api/client";
import { followOrder, type StreamState } from "../api/event-stream";

/**
 * An order and its timeline, kept up to date from the order's live stream: each event adds to the
 * timeline and fetches the order again for its new status. Guests pass their tracking token.
 */
export function useLiveOrder(id: string, token: string | undefined) {
  const [order, setOrder] = useState<Order>();
  const [timeline, setTimeline] = useState<TimelineEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState<StreamState>("connecting");
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt re-runs the load on "try again"
  useEffect(() => {
    let stopped = false;
    const refresh = () =>
      call("get", "/orders/{id}", { params: { id }, query: { token } }).then(
        (answer) => {
          if (stopped) return;
          setOrder(answer.order);
          setTimeline((old) => merge(old, answer.timeline));
        },
        (e: unknown) => !stopped && setError(e),
      );
    void refresh();
    const stop = followOrder(
      id,
      token,
      (event) => {
        setTimeline((old) => merge(old, [event]));
        void refresh(); // the event changed the order: fetch its new status
      },
      setLive,
    );
    return () => {
      stopped = true;
      stop();
    };
  }, [id, token, attempt]);

  const retry = () => {
    setError(undefined);
    setAttempt((a) => a + 1);
  };
  return { order, setOrder, timeline, error, live, retry };
}

function merge(old: TimelineEvent[], add: TimelineEvent[]) {
  const bySeq = new Map(old.map((e) => [e.seq, e]));
  for (const e of add) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
