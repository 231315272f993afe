import { createHmac } from "node:crypto";
import type { Clock } from "../../ports/clock.js";
import type { OutboundChannel, OutboundMessage } from "../../ports/outbound-channel.js";

export class WebhookRejectedError extends Error {
  override name = "WebhookRejectedError";
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as Stripe-style receivers verify it. */
export function signatureHeader(secret: string, timestamp: number, rawBody: string): string {
  const digest = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  return `t=${timestamp},v1=${digest}`;
}

/**
 * POSTs each message as JSON to a partner's URL with an `X-Signature` HMAC header and `X-Event-Id`.
 * Anything but a 2xx within the timeout throws, so the dispatcher retries with backoff and finally
 * dead-letters the message.
 */
export class SignedWebhookChannel implements OutboundChannel {
  constructor(private readonly options: { url: string; secret: string; clock: Clock; timeoutMs?: number }) {}

  async send(message: OutboundMessage): Promise<void> {
    const body = JSON.stringify({ id: message.id, type: message.type, data: message.payload });
    const timestamp = Math.floor(this.options.clock.now().getTime() / 1000);
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-event-id": message.id,
          "x-event-type": message.type,
          "x-signature": signatureHeader(this.options.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new WebhookRejectedError(`Webhook ${this.options.url} unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await response.body?.cancel();
    if (!response.ok) throw new WebhookRejectedError(`Webhook ${this.options.url} answered HTTP ${response.status}`);
  }
}
