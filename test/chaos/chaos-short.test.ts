import { describe, expect, it } from "vitest";
import { runChaos } from "./chaos.js";

describe("chaos (short run; `npm run test:chaos` runs longer)", () => {
  it("loses, duplicates and strands nothing under kill -9 and 20% failing payments, e-mails and webhooks", async () => {
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
  });
});
