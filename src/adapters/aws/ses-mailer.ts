import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { Clock } from "../../ports/clock.js";
import { ConditionFailedError, type Item, type ItemKey, type ItemStore, when } from "../../ports/item-store.js";
import type { Mailer, MailMessage, SentMail } from "../../ports/mailer.js";
import { composeMimeMessage } from "../mail/mime-message.js";
import { domainOf, mailClaim, mailClaimKey, sentMark } from "./mail-claims.js";

export interface SesMailerOptions {
  client: SESv2Client;
  /** The sender, e.g. `"Orderflow Bakery" <shop@bakery.example>`; its domain names the Message-IDs. */
  from: string;
  /** Holds one claim per message id: the record that makes each message go out once. */
  store: ItemStore;
  configurationSet?: string;
  clock?: Clock;
}

/** A claim older than this, still unsent, belongs to a sender that died: longer than any function that sends mail runs (120 s). */
export const CLAIM_LEASE_MS = 5 * 60_000;
/** How long a duplicate waits for a concurrent sender of the same message to finish before it gives up (and is retried). */
const WAIT_FOR_SENDER_MS = 3_000;
const WAIT_STEP_MS = 100;

/** Another caller is sending this message right now; retry later (the delivery or step is retried). */
export class MailSendInProgressError extends Error {
  override name = "MailSendInProgressError";
}

/**
 * Sends mail through SES (raw MIME, so attachments go along), each message id once: the first caller
 * conditionally puts a claim `MAIL#<id>` and sends; every other caller gets `sentNow: false` and the same
 * Message-ID once the claim is marked sent (a concurrent one waits a moment for that). A failed send
 * releases the claim so a retry can send. A sender that dies between claim and send leaves an unsent
 * claim: after CLAIM_LEASE_MS a retry takes it over and sends, so a crash delays the mail, never loses it
 * (a crash after SES accepted the mail and before the claim was marked sent can send it twice).
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
    const started = Date.now(); // waiting is measured in real time, whatever the clock says
    for (;;) {
      const now = this.now();
      const claimToken = randomUUID();
      const claim = mailClaim(message.id, this.domain, claimToken, now);
      const ours = await this.claim(claim);
      if (ours) return this.sendClaimed(message, key, String(ours.messageId), claimToken, now);
      const existing = await this.options.store.get(key);
      if (!existing) continue; // released by a sender whose send failed: claim it again
      const messageId = typeof existing.messageId === "string" ? existing.messageId : String(claim.messageId);
      if (existing.sentAt !== undefined) return { messageId, sentNow: false };
      if (!(now.getTime() - Date.parse(String(existing.claimedAt)) < CLAIM_LEASE_MS)) {
        if (await this.takeOver(key, String(existing.claimToken), claimToken, now)) {
          return this.sendClaimed(message, key, messageId, claimToken, now);
        }
        continue;
      }
      if (Date.now() - started >= WAIT_FOR_SENDER_MS) {
        throw new MailSendInProgressError(`Mail ${message.id} is being sent by another caller; try again later`);
      }
      await sleep(WAIT_STEP_MS);
    }
  }

  private now(): Date {
    return this.options.clock?.now() ?? new Date();
  }

  /** Puts the claim if there is none; the claim put, or undefined when another caller holds one. */
  private async claim(claim: Item): Promise<Item | undefined> {
    try {
      await this.options.store.put(claim, when.notExists());
      return claim;
    } catch (error) {
      if (error instanceof ConditionFailedError) return undefined;
      throw error;
    }
  }

  /** Takes over an unsent claim whose lease ran out (its sender died); false if another caller was first. */
  private async takeOver(key: ItemKey, staleToken: string, claimToken: string, now: Date): Promise<boolean> {
    try {
      await this.options.store.update(
        key,
        { set: { claimToken, claimedAt: now.toISOString() } },
        when.and(when.eq("claimToken", staleToken), when.lacks("sentAt")),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError) return false;
      throw error;
    }
  }

  private async sendClaimed(
    message: MailMessage,
    key: ItemKey,
    messageId: string,
    claimToken: string,
    now: Date,
  ): Promise<SentMail> {
    let sesMessageId: string | undefined;
    try {
      sesMessageId = await this.sendRaw(message, messageId, now);
    } catch (error) {
      await this.releaseClaim(key, claimToken, error);
      throw error;
    }
    await this.options.store.update(
      key,
      { set: sentMark(this.now(), sesMessageId) },
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
