export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface MailMessage {
  /**
   * De-duplication id: the mailer sends a message with a given id once, so a retried step
   * never e-mails twice (e.g. `order-confirmed-<orderId>`).
   */
  id: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface SentMail {
  /** The RFC 5322 Message-ID header. */
  messageId: string;
  /** False when a message with this id had already been sent. */
  sentNow: boolean;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
}
