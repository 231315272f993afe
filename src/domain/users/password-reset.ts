import { z } from "zod";
import { type DomainError, tooManyRequests, ValidationError } from "../shared/errors.js";
import { SignUpBody } from "./user.js";

/** How long a reset link works after it was asked for. */
export const RESET_TOKEN_LIFETIME_SECONDS = 3600;

/** Asking for a reset link: the address only (the answer is the same whether it has an account or not). */
export const PasswordResetRequestBody = z
  .strictObject({ email: SignUpBody.shape.email })
  .meta({ id: "PasswordResetRequest" });
export type PasswordResetRequestBody = z.infer<typeof PasswordResetRequestBody>;

/**
 * Choosing the new password with the token from the link. The token's format is checked by the use case,
 * so a mistyped or tampered token is refused like an unknown one (RESET_TOKEN_INVALID), not as a field error.
 */
export const PasswordResetConfirmBody = z
  .strictObject({
    token: z.string().min(1, "Use the token from the link in the e-mail").max(200, "Use at most 200 characters"),
    password: SignUpBody.shape.password,
  })
  .meta({ id: "PasswordResetConfirm" });
export type PasswordResetConfirmBody = z.infer<typeof PasswordResetConfirmBody>;

/** A reset token: `<resetId>.<secret>`; the reset id names the stored request, the secret proves the link. */
const TOKEN = /^([0-9A-Za-z]{10,64})\.([A-Za-z0-9_-]{16,128})$/;

export function resetToken(resetId: string, secret: string): string {
  return `${resetId}.${secret}`;
}

/** The reset id and secret of a token, or undefined when it is not shaped like one. */
export function parseResetToken(token: string): { resetId: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match?.[1] && match[2] ? { resetId: match[1], secret: match[2] } : undefined;
}

/** One answer for an unknown, tampered, expired or used token: which of them it was is nobody's business. */
export function resetTokenInvalid(): ValidationError {
  const message = "This password reset link is invalid, has expired or was used already; ask for a new one";
  return new ValidationError(message, [{ path: "token", message }], "RESET_TOKEN_INVALID");
}

/** Too many reset e-mails asked for one address: it waits until the window ends (Retry-After). */
export function tooManyPasswordResets(retryAfterSeconds: number): DomainError {
  return tooManyRequests(
    "TOO_MANY_PASSWORD_RESETS",
    "We have sent several reset links to this address within the hour; use the newest one, or try again later",
    retryAfterSeconds,
  );
}
