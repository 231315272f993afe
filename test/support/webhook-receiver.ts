import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: { id: string; type: string; data: Record<string, any> };
  signatureValid: boolean;
}

/** Checks `X-Signature: t=<ts>,v1=<hex>` the way a partner would: HMAC-SHA256 over "<ts>.<raw body>". */
export function verifySignature(secret: string, header: string | undefined, rawBody: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match) return false;
  const expected = createHmac("sha256", secret).update(`${match[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, "hex"));
}

/**
 * A partner's webhook endpoint on loopback. `status` decides each answer (e.g. 503 while "down");
 * only accepted (2xx) requests count as received, and duplicates by X-Event-Id are kept to be counted.
 */
export async function startWebhookReceiver(secret: string) {
  const received: ReceivedWebhook[] = [];
  let attempts = 0;
  let status = 200;
  let failureRate = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      attempts++;
      const raw = Buffer.concat(chunks).toString("utf8");
      const answer = status < 300 && Math.random() < failureRate ? 500 : status;
      if (answer < 300) {
        received.push({
          headers: request.headers,
          body: JSON.parse(raw),
          signatureValid: verifySignature(secret, request.headers["x-signature"] as string | undefined, raw),
        });
      }
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    attempts: () => attempts,
    setStatus: (next: number) => {
      status = next;
    },
    /** Refuse this share of requests with a 500, at random (chaos). */
    setFailureRate: (rate: number) => {
      failureRate = rate;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
