import { tooManyRequests } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemKey, ItemStore } from "../../ports/item-store.js";
import { makeWindowedAllowance } from "../shared/windowed-allowance.js";

/** Sign-in attempts allowed per e-mail address in one window without getting the password right. */
export const MAX_FAILED_SIGN_INS = 10;
const WINDOW_MS = 15 * 60_000;

const attemptsKey = (email: string): ItemKey => ({ pk: `SIGN_IN_ATTEMPTS#${email.toLowerCase()}`, sk: "SIGN_IN" });

/**
 * Slows password guessing: each sign-in for an address takes one of MAX_FAILED_SIGN_INS attempts per
 * 15 minutes BEFORE its password is checked, and one that gets it right gives them all back. When they
 * are used up, sign-ins for the address are refused (429, with Retry-After) until the window ends. Taken
 * first and with conditional writes, so a burst of parallel guesses gets no more tries than a sequence;
 * kept per address, known or not, so the answers do not tell which accounts exist.
 */
export function makeSignInThrottle({ store, clock }: { store: ItemStore; clock: Clock }) {
  const allowance = makeWindowedAllowance({
    store,
    clock,
    max: MAX_FAILED_SIGN_INS,
    windowMs: WINDOW_MS,
    refuse: (retryAfterSeconds) =>
      tooManyRequests(
        "TOO_MANY_SIGN_INS",
        "Too many wrong passwords for this address; try again later",
        retryAfterSeconds,
      ),
  });
  return {
    /** Takes an attempt, or throws TOO_MANY_SIGN_INS while the address has none left. */
    attempt: (email: string) => allowance.take(attemptsKey(email)),
    /** Gives the attempts back (a sign-in that got the password right, a password reset). */
    clear: (email: string) => allowance.reset(attemptsKey(email)),
  };
}
