import { createHash } from "node:crypto";
import { expiresAfter, type Item, type ItemKey, itemAt } from "../../ports/item-store.js";

/*
 * The claim items SesMailer keeps in the table, one per message id: shaped here, without the AWS SDK,
 * so the local runtime's usage meter can price the writes SES sending costs on AWS.
 */

/** Claims outlive any retry of the step that sends; DynamoDB TTL removes them afterwards. */
export const CLAIM_SECONDS = 30 * 24 * 3600;

export const mailClaimKey = (messageId: string): ItemKey => ({ pk: `MAIL#${messageId}`, sk: "MAIL" });

/** The claim a sender puts (only if absent) before it sends. */
export function mailClaim(id: string, domain: string, claimToken: string, now: Date): Item {
  return itemAt(mailClaimKey(id), {
    messageId: messageIdFor(id, domain),
    claimToken,
    claimedAt: now.toISOString(),
    expiresAt: expiresAfter(now, CLAIM_SECONDS),
  });
}

/** What a sent message adds to its claim. */
export const sentMark = (sentAt: Date, sesMessageId: string | undefined) => ({
  sentAt: sentAt.toISOString(),
  sesMessageId: sesMessageId ?? null,
});

/** A Message-ID stable per id: readable prefix, plus a hash so ids differing only in punctuation never collide. */
export function messageIdFor(id: string, domain: string): string {
  if (id.length === 0) throw new Error("A mail message needs a non-empty id");
  const readable = id.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 60);
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 24);
  return `<${readable}.${hash}@${domain}>`;
}

/** The domain of a sender address, which names the Message-IDs. */
export function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf("@") + 1).trim();
  if (!address.includes("@") || !/^[A-Za-z0-9.-]+$/.test(domain)) {
    throw new Error(`The sender ${JSON.stringify(from)} has no e-mail domain to name Message-IDs after`);
  }
  return domain;
}
