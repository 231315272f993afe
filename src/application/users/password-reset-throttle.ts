import { tooManyPasswordResets } from "../../domain/users/password-reset.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemKey, ItemStore } from "../../ports/item-store.js";
import { makeWindowedAllowance } from "../shared/windowed-allowance.js";

/** Reset e-mails one address may ask for within an hour. */
export const MAX_PASSWORD_RESETS = 3;
const WINDOW_MS = 60 * 60_000;

const requestsKey = (email: string): ItemKey => ({
  pk: `PASSWORD_RESET_REQUESTS#${email.toLowerCase()}`,
  sk: "PASSWORD_RESET",
});

/**
 * Limits reset e-mails per address: MAX_PASSWORD_RESETS within an hour from the first, then
 * TOO_MANY_PASSWORD_RESETS (429, Retry-After) until the hour is over. Counted per address, known or not,
 * so a 429 tells nobody whether an account exists; counted with conditional writes, so concurrent
 * requests cannot slip past it.
 */
export function makePasswordResetThrottle({ store, clock }: { store: ItemStore; clock: Clock }) {
  const allowance = makeWindowedAllowance({
    store,
    clock,
    max: MAX_PASSWORD_RESETS,
    windowMs: WINDOW_MS,
    refuse: tooManyPasswordResets,
  });
  return {
    /** Counts one request for the address, or throws TOO_MANY_PASSWORD_RESETS when its allowance is used up. */
    take: (email: string) => allowance.take(requestsKey(email)),
  };
}
