import type { MailMessage } from "../../ports/mailer.js";

/** The reset link, `${publicUrl}/reset-password?token=…`, which the web app's reset page reads. */
export function passwordResetLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/reset-password?token=${encodeURIComponent(token)}`;
}

/** The e-mail with the reset link; its id derives from the reset, so a retried send goes out once. */
export function passwordResetEmail(input: {
  resetId: string;
  to: string;
  name: string;
  link: string;
  shopName: string;
}): MailMessage {
  return {
    id: `password-reset-${input.resetId}`,
    to: input.to,
    subject: `${input.shopName}: reset your password`,
    text: `Hello ${input.name},

we received a request to reset the password of your ${input.shopName} account.
Choose a new password here:

${input.link}

The link works once, within the next hour.

If you did not ask for this, you can ignore this e-mail: your password stays as it is.

${input.shopName}
`,
  };
}

/**
 * The notice that the password was changed, sent after a reset: the account's owner learns of a change
 * they did not make. Its id derives from the reset, so it goes out once.
 */
export function passwordChangedEmail(input: {
  resetId: string;
  to: string;
  name: string;
  shopName: string;
  publicUrl: string;
}): MailMessage {
  return {
    id: `password-changed-${input.resetId}`,
    to: input.to,
    subject: `${input.shopName}: your password was changed`,
    text: `Hello ${input.name},

the password of your ${input.shopName} account was just changed with a reset link sent to this address.

If that was you, there is nothing more to do. If it was not, ask for a new link at
${input.publicUrl.replace(/\/$/, "")}/forgot-password straight away: whoever changed it can read this mailbox.

${input.shopName}
`,
  };
}
