import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { MailMessage } from "../../ports/mailer.js";

/** What the sender adds to a message: who sends it, its RFC 5322 Message-ID and its date. */
export interface MimeEnvelope {
  from: string;
  messageId: string;
  date: Date;
}

/** The raw RFC 5322 bytes of a message: headers, a text and optional html part, attachments. */
export function composeMimeMessage(message: MailMessage, envelope: MimeEnvelope): Promise<Buffer> {
  return new MailComposer({
    from: envelope.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    messageId: envelope.messageId,
    date: envelope.date,
    attachments: (message.attachments ?? []).map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: Buffer.from(attachment.content),
    })),
  })
    .compile()
    .build();
}
