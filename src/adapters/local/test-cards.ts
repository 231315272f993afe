/** How the local test gateway treats a card; modelled on card processors' test modes. */
export type CardBehaviour =
  | { kind: "success" }
  | { kind: "declined"; code: string; message: string }
  | { kind: "processing_error" }
  | { kind: "timeout" };

export const TEST_CARDS: Record<string, CardBehaviour> = {
  "4242424242424242": { kind: "success" },
  tok_visa: { kind: "success" },
  "4000000000000002": { kind: "declined", code: "CARD_DECLINED", message: "Your card was declined" },
  tok_chargeDeclined: { kind: "declined", code: "CARD_DECLINED", message: "Your card was declined" },
  "4000000000009995": {
    kind: "declined",
    code: "INSUFFICIENT_FUNDS",
    message: "Your card was declined: insufficient funds",
  },
  "4000000000000069": { kind: "declined", code: "EXPIRED_CARD", message: "Your card has expired" },
  "4000000000000119": { kind: "processing_error" },
  "4000000000005126": { kind: "timeout" },
};

export function normaliseSource(source: string): string {
  return source.replace(/\s/g, "");
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** What charging this card will do: a listed test card, a Luhn-valid number (success), or declined. */
export function describeCard(source: string): CardBehaviour {
  const normalised = normaliseSource(source);
  const listed = TEST_CARDS[normalised];
  if (listed) return listed;
  if (/^\d{12,19}$/.test(normalised) && luhnValid(normalised)) return { kind: "success" };
  return { kind: "declined", code: "INVALID_CARD_NUMBER", message: "The card number is not valid" };
}

export function last4(source: string): string {
  const normalised = normaliseSource(source);
  return normalised.startsWith("tok_") ? "tok" : normalised.slice(-4);
}
