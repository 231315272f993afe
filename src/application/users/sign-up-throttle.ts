import { tooManyRequests } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemKey, ItemStore } from "../../ports/item-store.js";
import { makeWindowedAllowance } from "../shared/windowed-allowance.js";

/** Sign-ups allowed per client address and hour unless configured otherwise. */
export const DEFAULT_SIGN_UPS_PER_HOUR = 20;
const WINDOW_MS = 3_600_000;

const signUpsKey = (clientAddress: string): ItemKey => ({ pk: `SIGN_UPS#${clientKey(clientAddress)}`, sk: "SIGN_UPS" });

/**
 * One allowance per client, whatever form its address arrives in: a port (from a proxy's header) is
 * dropped, an IPv4-mapped IPv6 address counts as its IPv4 address, and an IPv6 address counts by its /64
 * network (a host may take any address in its network).
 */
export function clientKey(address: string): string {
  let key = address.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(key);
  if (bracketed) key = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(key)) key = key.slice(0, key.lastIndexOf(":"));
  key = key.replace(/%.*$/, ""); // an IPv6 zone
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(key);
  if (mapped) return mapped[1]!;
  return key.includes(":") ? (ipv6Network(key) ?? key) : key;
}

/** The /64 network of an IPv6 address (`2001:db8:1:2::/64`), or undefined for what is not one. */
function ipv6Network(address: string): string | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  // An IPv4 tail (`::ffff:1.2.3.4` is handled before) stands for the last two groups.
  const groups = (part: string | undefined) =>
    part ? part.split(":").flatMap((group) => (group.includes(".") ? ["0", "0"] : [group])) : [];
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return `${all
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}

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
