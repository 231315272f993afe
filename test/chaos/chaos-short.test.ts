import { describe, expect, it } from "vitest";
import { CHAOS_ANOMALIES, runChaos } from "./chaos.js";

describe("chaos (short run; `npm run test:chaos` runs longer)", () => {
  it("loses, duplicates and strands no order, bid or checkout under kill -9 and 20% failing payments, e-mails and webhooks", async () => {
    const report = await runChaos({ rounds: 3, roundMs: 700, clients: 4, faultRate: 0.2 });
    expect(report.acknowledged).toBeGreaterThan(5);
    for (const anomaly of CHAOS_ANOMALIES) expect(report[anomaly], anomaly).toEqual([]);
    expect(report.deadLetters).toBe(0);
    // Both endings occurred and the gateway charged, so the e-mail, receipt and payment-count checks bite.
    expect(report.byStatus.failed ?? 0).toBeGreaterThan(0);
    expect(report.stored - (report.byStatus.failed ?? 0) - (report.byStatus.pending ?? 0)).toBeGreaterThan(0);
    expect(report.gatewayCharges).toBeGreaterThan(0);
    // The activity projection counted orders across the kills, so its exactly-once check bites.
    expect(report.activityCounted).toBeGreaterThan(0);
    // Auctions under the same kills and faults, so their checks above are not vacuous.
    expect(report.bidsAcknowledged).toBeGreaterThan(0);
    expect(report.auctions - (report.auctionsByStatus.active ?? 0)).toBeGreaterThan(0);
  });
});
