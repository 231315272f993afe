import { USAGE_ITEMS, type UsageItem, type UsageMeter } from "../../ports/usage-meter.js";

/** Counters of what a flow would be billed for (see ports/usage-meter.ts); one per process or Lambda container. */
export function createUsageMeter(): UsageMeter {
  const counters = Object.fromEntries(USAGE_ITEMS.map((item) => [item, 0])) as Record<UsageItem, number>;
  return {
    count: (item, amount = 1) => {
      counters[item] += amount;
    },
    snapshot: () => ({ ...counters }),
  };
}
