import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

const PRODUCTS = [
  "chocolate-fudge-cake",
  "lemon-drizzle-cake",
  "red-velvet-cake",
  "carrot-cake",
  "new-york-cheesecake",
  "black-forest-gateau",
  "victoria-sponge",
  "tarte-au-citron",
];

let sequence = 0;

/** A realistic order body, different per request. */
export function orderBody(): string {
  const n = sequence++;
  return JSON.stringify({
    items: [{ productId: PRODUCTS[n % PRODUCTS.length], quantity: 1 + (n % 3) }],
    customer: { name: `Bench Customer ${n}`, email: `bench${n}@example.com` },
    deliveryAddress: { line1: `${n} Benchmark Lane`, city: "Utrecht", postalCode: "3511 AA", country: "NL" },
    payment: { card: "4242424242424242" },
  });
}

/**
 * Drives POST `path` with fresh bodies (and a fresh Idempotency-Key) for `seconds` as fast as the server
 * answers (closed loop: each connection sends its next request when the last one is answered). `rate`
 * caps req/s the way autocannon does it: each connection sends its quota for the second back to back,
 * then waits for the next second, so its latencies are those of bursts; `pacedLoad` offers a steady rate.
 */
export async function postLoad(
  url: string,
  path: string,
  options: { seconds: number; connections?: number; rate?: number; idempotent?: boolean },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections ?? 32,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: "POST",
        path,
        headers: { "content-type": "application/json" },
        setupRequest: (request) => ({
          ...request,
          body: orderBody(),
          headers: {
            ...request.headers,
            ...(options.idempotent ? { "idempotency-key": `bench-${process.pid}-${sequence}` } : {}),
          },
        }),
      },
    ],
  });
  return {
    requests: result.requests.total,
    perSecond: Math.round(result.requests.total / options.seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * Offers `rate` POST requests per second, evenly spaced, for `seconds` (open loop, as wrk2 does): a request
 * is sent at its planned time whether or not earlier ones were answered, and its latency is measured from
 * that planned time, so a stalled server shows in the percentiles instead of slowing the load down
 * (no coordinated omission). Up to `connections` requests are in flight, one per keep-alive connection;
 * later ones wait for a free connection, and that wait counts. A minimal HTTP/1.1 client (the server
 * always answers with Content-Length) keeps the generator's own cost per request to a few microseconds.
 * Sends are timed by polling the clock between I/O callbacks, so the generator's core stays busy.
 */
export async function pacedLoad(
  url: string,
  path: string,
  options: { seconds: number; rate: number; connections?: number; idempotent?: boolean },
): Promise<LoadResult> {
  const target = new URL(url);
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const waiting: number[] = [];
  let sent = 0;
  let errors = 0;
  let non2xx = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const settle = () => {
    if (latencies.length + errors === total) finish();
  };

  const requestBytes = () => {
    const body = orderBody();
    const key = options.idempotent ? `idempotency-key: paced-${process.pid}-${sequence}\r\n` : "";
    return `POST ${path} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\n${key}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };

  const idle: PacedConnection[] = [];
  const live = new Set<PacedConnection>();
  let stopped = false;
  // A free connection takes the oldest waiting request, or joins the end of the idle queue. The queue is
  // first in, first out, so every connection is used every few milliseconds and none idles into the
  // server's keep-alive timeout.
  const free = (connection: PacedConnection) => {
    const next = waiting.shift();
    if (next === undefined) idle.push(connection);
    else send(connection, next);
  };
  const send = (connection: PacedConnection, plannedAt: number) => {
    connection.plannedAt.push(plannedAt);
    connection.socket.write(requestBytes());
  };

  const open = (): Promise<PacedConnection> =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname, () => resolve(connection));
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.on("error", () => {}); // followed by "close", handled there
      const connection: PacedConnection = { socket, plannedAt: [], buffer: Buffer.alloc(0) };
      live.add(connection);
      socket.on("data", (chunk: Buffer) => {
        connection.buffer = connection.buffer.length ? Buffer.concat([connection.buffer, chunk]) : chunk;
        for (;;) {
          const headerEnd = connection.buffer.indexOf("\r\n\r\n");
          if (headerEnd < 0) return;
          const head = connection.buffer.subarray(0, headerEnd).toString("latin1");
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (connection.buffer.length < headerEnd + 4 + length) return;
          connection.buffer = connection.buffer.subarray(headerEnd + 4 + length);
          const status = Number(head.slice(9, 12));
          latencies.push(performance.now() - connection.plannedAt.shift()!);
          if (status >= 300) non2xx++;
          free(connection);
          settle();
        }
      });
      // The server closed it (or it failed): what it had in flight is lost, and a new connection replaces it.
      socket.on("close", () => {
        live.delete(connection);
        const index = idle.indexOf(connection);
        if (index >= 0) idle.splice(index, 1);
        errors += connection.plannedAt.length;
        connection.plannedAt = [];
        settle();
        if (!stopped) open().then(free, () => {});
      });
    });

  const connections = await Promise.all(Array.from({ length: options.connections ?? 64 }, open));
  idle.push(...connections);
  const started = performance.now();
  const tick = () => {
    const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
    for (; sent < due; sent++) {
      const plannedAt = started + sent * interval;
      const connection = idle.shift();
      if (connection) send(connection, plannedAt);
      else waiting.push(plannedAt);
    }
    if (sent >= total) return;
    // Timers fire a millisecond late or more; polling keeps sends on plan (this core only runs the load).
    const wait = started + sent * interval - performance.now();
    if (wait > 2) setTimeout(tick, wait - 1);
    else setImmediate(tick);
  };
  tick();
  // A server that stops answering leaves requests unanswered: a minute after the last is due, they count as errors.
  const deadline = setTimeout(finish, options.seconds * 1000 + 60_000);
  await finished;
  clearTimeout(deadline);
  errors = total - latencies.length;
  const seconds = (performance.now() - started) / 1000;
  stopped = true;
  for (const connection of live) connection.socket.destroy();
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10) / 10;
  return {
    requests: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    p50: percentile(0.5),
    p99: percentile(0.99),
    errors,
    non2xx,
  };
}

interface PacedConnection {
  socket: Socket;
  /** Planned send times of the requests sent on this connection and not answered yet, oldest first. */
  plannedAt: number[];
  buffer: Buffer;
}
