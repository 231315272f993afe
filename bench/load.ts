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

/** Drives POST `path` with fresh bodies (and a fresh Idempotency-Key) for `seconds`; `rate` caps req/s. */
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
