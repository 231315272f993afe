import { tooManyRequests } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemKey, ItemStore } from "../../ports/item-store.js";
import { makeWindowedAllowance } from "../shared/windowed-allowance.js";

/** Sign-ups allowed per client address and hour unless configured otherwise. */
export const DEFAULT_SIGN_UPS_PER_HOUR = 20;
const WINDOW_MS = 3_600_000;

const signUpsKey = (clientAddress: string): ItemKey => ({ pk: `SIGN_UPS#${clientAddress}`, sk: "SIGN_UPS" });

/**
 * Limits sign-ups per client address (the connection's, or API Gateway's source IP) to `perHour`: each
 * valid sign-up takes one BEFORE the address is looked up, so a bot can neither flood the shop with
 * accounts nor probe more than a few addresses an hour for existing accounts (a taken address is
 * answered 409). When they are used up, sign-ups from the address are refused (429, with Retry-After).
 */
export function makeSignUpThrottle({ store, clock, perHour }: { store: ItemStore; clock: Clock; perHour: number }) {
  const allowance = makeWindowedAllowance({
    store,
    clock,
    max: perHour,
    windowMs: WINDOW_MS,
    refuse: (retryAfterSeconds) =>
      tooManyRequests(
        "TOO_MANY_SIGN_UPS",
        "Too many accounts created from this network; try again later",
        retryAfterSeconds,
      ),
  });
  /** Takes a sign-up, or throws TOO_MANY_SIGN_UPS while the address has none left. */
  return (clientAddress: string) => allowance.take(signUpsKey(clientAddress));
}
