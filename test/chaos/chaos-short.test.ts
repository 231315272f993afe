import { describe, expect, it } from "vitest";
import { runChaos } from "./chaos.js";

describe("chaos (short run; `npm run test:chaos` runs longer)", () => {
  it("loses, duplicates and strands no order, bid or checkout under kill -9 and 20% failing payments, e-mails and webhooks", async () => {
    const report = await runChaos({ rounds: 3, roundMs: 700, clients: 4, faultRate: 0.2 });
    expect(report.acknowledged).toBeGreaterThan(5);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.stuck).toEqual([]);
    expect(report.duplicateCharges).toEqual([]);
    expect(report.missingCharges).toEqual([]);
    expect(report.unrefundedFailures).toEqual([]);
    expect(report.duplicateEmails).toEqual([]);
    expect(report.duplicateDeliveries).toEqual([]);
    expect(report.duplicateFeedback).toEqual([]);
    expect(report.deadLetters).toBe(0);
    // Auctions under the same kills and faults: not vacuous, and every guarantee holds.
    expect(report.bidsAcknowledged).toBeGreaterThan(0);
    expect(report.auctions - (report.auctionsByStatus.active ?? 0)).toBeGreaterThan(0);
    expect(report.lostBids).toEqual([]);
    expect(report.duplicateBids).toEqual([]);
    expect(report.unexpectedBids).toEqual([]);
    expect(report.bidRuleViolations).toEqual([]);
    expect(report.openPastEnd).toEqual([]);
    expect(report.duplicateCheckoutCharges).toEqual([]);
    expect(report.unrefundedCheckouts).toEqual([]);
    expect(report.checkoutOrderProblems).toEqual([]);
    expect(report.stuckCheckouts).toEqual([]);
  });
});
