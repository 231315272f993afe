/** A message for a partner outside the shop: the delivery company or customer service. */
export interface OutboundMessage {
  /** Unique per message; receivers de-duplicate by it (sent as `X-Event-Id` / the e-mail's id). */
  id: string;
  /** What happened, e.g. `delivery_requested` or `feedback_received`. */
  type: string;
  /** A one-line summary for humans (e-mail subject). */
  subject: string;
  payload: Record<string, unknown>;
}

/** Hands a message to a partner; throws when it was not accepted, so the delivery is retried. */
export interface OutboundChannel {
  send(message: OutboundMessage): Promise<void>;
}
