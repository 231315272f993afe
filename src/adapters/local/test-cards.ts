import { passesLuhnCheck } from "../../domain/orders/card-number.js";

/**
 * How the local test gateway treats a card, modelled on card processors' test modes. `message` is what
 * the customer reads (the decline reason, or what the card is for in the table below).
 */
export type CardBehaviour =
  | { kind: "success"; message: string }
  | { kind: "declined"; code: string; message: string }
  /** The processor fails every time (transient error: PaymentUnavailableError; retrying never helps). */
  | { kind: "processing_error"; message: string }
  /** The processor keeps the caller waiting past the gateway's `timeoutMs`, then fails transiently. */
  | { kind: "timeout"; message: string };

const declined = (code: string, message: string): CardBehaviour => ({ kind: "declined", code, message });

/** The documented test cards (numbers without spaces, or tokens) and what charging them does. */
export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  "4242424242424242": { kind: "success", message: "Succeeds" },
  tok_visa: { kind: "success", message: "Succeeds" },
  "4000000000000002": declined("CARD_DECLINED", "Your card was declined"),
  tok_chargeDeclined: declined("CARD_DECLINED", "Your card was declined"),
  "4000000000009995": declined("INSUFFICIENT_FUNDS", "Your card was declined: insufficient funds"),
  "4000000000000069": declined("EXPIRED_CARD", "Your card has expired"),
  "4000000000000119": { kind: "processing_error", message: "The card processor had an error" },
  "4000000000005126": { kind: "timeout", message: "The card processor did not answer in time" },
};

const CARD_NUMBER = /^\d{12,19}$/;
const CARD_TOKEN = /^tok_[A-Za-z0-9_]{1,60}$/;

/** The source without spaces (customers type `4242 4242 4242 4242`). */
export function normaliseSource(source: string): string {
  return source.replace(/\s/g, "");
}

/** Well-formed input: 12-19 digits with optional spaces, or a `tok_*` token. Says nothing about Luhn. */
export function isValidCardSource(source: string): boolean {
  if (!/^[\d ]+$/.test(source)) return CARD_TOKEN.test(source);
  return CARD_NUMBER.test(normaliseSource(source));
}

/** What charging this card will do: a listed test card, any Luhn-valid number (success), or declined. */
export function describeCard(source: string): CardBehaviour {
  const normalised = normaliseSource(source);
  const listed = TEST_CARDS[normalised];
  if (listed) return listed;
  if (CARD_NUMBER.test(normalised) && passesLuhnCheck(normalised)) return { kind: "success", message: "Succeeds" };
  return declined("INVALID_CARD_NUMBER", "The card number is not valid");
}

/** The last four digits to show on receipts (`tok` for tokens); never more of the number. */
export function last4(source: string): string {
  const normalised = normaliseSource(source);
  return normalised.startsWith("tok_") ? "tok" : normalised.slice(-4);
}
