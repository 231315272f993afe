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

/** Latency percentile in milliseconds, one decimal, of sorted latencies. */
function percentile(sorted: number[], p: number): number {
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) * 10) / 10;
}

/** One keep-alive connection: the planned send times of its requests not answered yet, oldest first. */
interface PacedConnection {
  socket: Socket;
  plannedAt: number[];
  buffer: Buffer;
}

/** Removes the complete responses at the head of the connection's buffer and returns their statuses. */
function takeResponses(connection: PacedConnection): number[] {
  const statuses: number[] = [];
  for (;;) {
    const headerEnd = connection.buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) return statuses;
    const head = connection.buffer.subarray(0, headerEnd).toString("latin1");
    // The server always answers with Content-Length (no chunked bodies to decode).
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (connection.buffer.length < headerEnd + 4 + length) return statuses;
    connection.buffer = connection.buffer.subarray(headerEnd + 4 + length);
    statuses.push(Number(head.slice(9, 12)));
  }
}

/**
 * Keep-alive connections to one server, each with one request in flight at most. A free connection takes
 * the oldest waiting request, or joins the end of the idle queue: first in, first out, so every connection
 * is used every few milliseconds and none idles into the server's keep-alive timeout. A connection the
 * server closes loses what it had in flight (reported to `onLost`) and is replaced.
 */
class PacedConnections {
  private readonly idle: PacedConnection[] = [];
  private readonly live = new Set<PacedConnection>();
  private readonly waiting: number[] = [];
  private closed = false;

  constructor(
    private readonly target: URL,
    private readonly request: () => string,
    private readonly onAnswer: (status: number, plannedAt: number) => void,
    private readonly onLost: (requests: number) => void,
  ) {}

  async open(count: number): Promise<void> {
    this.idle.push(...(await Promise.all(Array.from({ length: count }, () => this.connect()))));
  }

  /** Sends a request planned for `plannedAt` now, or as soon as a connection is free. */
  send(plannedAt: number): void {
    const connection = this.idle.shift();
    if (connection) this.write(connection, plannedAt);
    else this.waiting.push(plannedAt);
  }

  close(): void {
    this.closed = true;
    for (const connection of this.live) connection.socket.destroy();
  }

  private write(connection: PacedConnection, plannedAt: number): void {
    connection.plannedAt.push(plannedAt);
    connection.socket.write(this.request());
  }

  private free(connection: PacedConnection): void {
    const next = this.waiting.shift();
    if (next === undefined) this.idle.push(connection);
    else this.write(connection, next);
  }

  /** A fresh connection in place of a closed one (if the server refuses it, the pool is one smaller). */
  private replace(): void {
    this.connect().then(
      (fresh) => this.free(fresh),
      () => {},
    );
  }

  private connect(): Promise<PacedConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(this.target.port), this.target.hostname, () => resolve(connection));
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.on("error", () => {}); // followed by "close", handled there
      const connection: PacedConnection = { socket, plannedAt: [], buffer: Buffer.alloc(0) };
      this.live.add(connection);
      socket.on("data", (chunk: Buffer) => {
        connection.buffer = connection.buffer.length ? Buffer.concat([connection.buffer, chunk]) : chunk;
        for (const status of takeResponses(connection)) {
          this.onAnswer(status, connection.plannedAt.shift()!);
          this.free(connection);
        }
      });
      socket.on("close", () => {
        this.live.delete(connection);
        const index = this.idle.indexOf(connection);
        if (index >= 0) this.idle.splice(index, 1);
        const lost = connection.plannedAt.length;
        connection.plannedAt = [];
        this.onLost(lost);
        if (!this.closed) this.replace();
      });
    });
  }
}

/**
 * Offers `rate` POST requests per second, evenly spaced, for `seconds` (open loop, as wrk2 does): a request
 * is sent at its planned time whether or not earlier ones were answered, and its latency is measured from
 * that planned time, so a stalled server shows in the percentiles instead of slowing the load down
 * (no coordinated omission). Up to `connections` requests are in flight, one per keep-alive connection;
 * later ones wait for a free connection, and that wait counts. A minimal HTTP/1.1 client keeps the
 * generator's own cost per request to a few microseconds. Sends are timed by polling the clock between
 * I/O callbacks, so the generator's core stays busy.
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
  let lost = 0;
  let non2xx = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const settle = () => {
    if (latencies.length + lost >= total) finish();
  };
  const request = () => {
    const body = orderBody();
    const key = options.idempotent ? `idempotency-key: paced-${process.pid}-${sequence}\r\n` : "";
    return `POST ${path} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\n${key}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const connections = new PacedConnections(
    target,
    request,
    (status, plannedAt) => {
      latencies.push(performance.now() - plannedAt);
      if (status >= 300) non2xx++;
      settle();
    },
    (requests) => {
      lost += requests;
      settle();
    },
  );
  await connections.open(options.connections ?? 64);

  const started = performance.now();
  let sent = 0;
  const tick = () => {
    const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
    for (; sent < due; sent++) connections.send(started + sent * interval);
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
  const seconds = (performance.now() - started) / 1000;
  connections.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: total - latencies.length,
    non2xx,
  };
}
