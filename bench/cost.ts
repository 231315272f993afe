import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { UsageItem } from "../src/ports/usage-meter.js";
import { ROOT } from "./processes.js";

interface PriceTable {
  source: string;
  date: string;
  prices: Record<UsageItem, { per: number; usd: number }>;
}

export const PRICES: PriceTable = JSON.parse(readFileSync(join(ROOT, "bench/aws-prices.json"), "utf8"));

/** Dollars per 1,000 orders for counted usage; e-mail and Standard transitions are reported apart. */
export function costPerThousandOrders(usage: Record<UsageItem, number>, orders: number) {
  const per = (item: UsageItem) => (usage[item] / PRICES.prices[item].per) * PRICES.prices[item].usd * (1000 / orders);
  const billed = (Object.keys(usage) as UsageItem[]).filter(
    (item) => item !== "ses.emails" && item !== "stepfunctions.transitions",
  );
  const breakdown = Object.fromEntries(billed.map((item) => [item, +per(item).toFixed(5)]));
  return {
    usdPerThousand: +billed.reduce((sum, item) => sum + per(item), 0).toFixed(4),
    breakdown,
    emailsUsdPerThousand: +per("ses.emails").toFixed(4),
    standardTransitionsUsdPerThousand: +per("stepfunctions.transitions").toFixed(4),
    perOrder: Object.fromEntries(
      (Object.keys(usage) as UsageItem[]).map((item) => [item, +(usage[item] / orders).toFixed(2)]),
    ),
  };
}
