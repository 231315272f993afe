import type { Mailer } from "../../ports/mailer.js";
import type { OutboundChannel, OutboundMessage } from "../../ports/outbound-channel.js";

function describe(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([key, inner]) =>
      inner !== null && typeof inner === "object"
        ? `${indent}${key}:\n${describe(inner, `${indent}  `)}`
        : `${indent}${key}: ${inner}`,
    )
    .join("\n");
}

/** The e-mail fallback of a partner channel (no webhook configured): one e-mail per message id. */
export class EmailChannel implements OutboundChannel {
  constructor(private readonly options: { mailer: Mailer; to: string }) {}

  async send(message: OutboundMessage): Promise<void> {
    await this.options.mailer.send({
      id: message.id,
      to: this.options.to,
      subject: message.subject,
      text: `${message.subject}\n\n${describe(message.payload)}\n`,
    });
  }
}
