import { randomUUID } from "node:crypto";
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { Clock } from "../../ports/clock.js";
import { ConditionFailedError, type ItemKey, type ItemStore, when } from "../../ports/item-store.js";
import type { Mailer, MailMessage, SentMail } from "../../ports/mailer.js";
import { composeMimeMessage } from "../mail/mime-message.js";
import { domainOf, mailClaim, mailClaimKey, sentMark } from "./mail-claims.js";

export interface SesMailerOptions {
  client: SESv2Client;
  /** The sender, e.g. `"Orderflow Bakery" <shop@bakery.example>`; its domain names the Message-IDs. */
  from: string;
  /** Holds one claim per message id: the record that makes sending at most once. */
  store: ItemStore;
  configurationSet?: string;
  clock?: Clock;
}

/**
 * Sends mail through SES (raw MIME, so attachments go along), each message id at most once: the first
 * caller conditionally puts a claim `MAIL#<id>` and sends; every other caller, concurrent or later, gets
 * `sentNow: false` and the same Message-ID. A failed send releases the claim so a retry can send; a
 * crash between claim and send leaves the message unsent (at most once, never twice).
 *
 * SES replaces the Message-ID header with its own; the one returned here is stable per id and the
 * claim also keeps SES's `MessageId`, which its bounce and delivery events carry.
 */
export class SesMailer implements Mailer {
  private readonly domain: string;

  constructor(private readonly options: SesMailerOptions) {
    this.domain = domainOf(options.from);
  }

  async send(message: MailMessage): Promise<SentMail> {
    const key: ItemKey = mailClaimKey(message.id);
    const now = this.options.clock?.now() ?? new Date();
    const claimToken = randomUUID();
    const claim = mailClaim(message.id, this.domain, claimToken, now);
    const messageId = String(claim.messageId);
    try {
      await this.options.store.put(claim, when.notExists());
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      const claim = await this.options.store.get(key);
      return { messageId: typeof claim?.messageId === "string" ? claim.messageId : messageId, sentNow: false };
    }

    let sesMessageId: string | undefined;
    try {
      sesMessageId = await this.sendRaw(message, messageId, now);
    } catch (error) {
      await this.releaseClaim(key, claimToken, error);
      throw error;
    }
    await this.options.store.update(
      key,
      { set: sentMark(this.options.clock?.now() ?? new Date(), sesMessageId) },
      when.eq("claimToken", claimToken),
    );
    return { messageId, sentNow: true };
  }

  private async sendRaw(message: MailMessage, messageId: string, date: Date): Promise<string | undefined> {
    const raw = await composeMimeMessage(message, { from: this.options.from, messageId, date });
    const sent = await this.options.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.options.from,
        Destination: { ToAddresses: [message.to] },
        Content: { Raw: { Data: raw } },
        ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
      }),
    );
    return sent.MessageId;
  }

  /** Removes our own claim only (the token), so a retry can send; a claim that cannot be removed is reported. */
  private async releaseClaim(key: ItemKey, claimToken: string, sendError: unknown): Promise<void> {
    try {
      await this.options.store.delete(key, when.eq("claimToken", claimToken));
    } catch (releaseError) {
      throw new AggregateError(
        [sendError, releaseError],
        `Sending mail ${key.pk} failed and its claim could not be released; it will not be sent until the claim expires`,
      );
    }
  }
}
