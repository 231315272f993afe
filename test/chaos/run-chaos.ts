import "../../src/runtime/local/polyfills.js";
import { CHAOS_ANOMALIES, runChaos } from "./chaos.js";

/* `npm run test:chaos`: a longer Jepsen-style run; prints the checker's report and fails on any anomaly. */
const rounds = Number(process.env.CHAOS_ROUNDS ?? 12);
const report = await runChaos({
  rounds,
  roundMs: Number(process.env.CHAOS_ROUND_MS ?? 1500),
  clients: 6,
  faultRate: 0.2,
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const bad = CHAOS_ANOMALIES.filter((name) => report[name].length > 0);
if (bad.length > 0 || report.deadLetters > 0) {
  process.stderr.write(
    `chaos found anomalies: ${bad.join(", ")}${report.deadLetters ? `, ${report.deadLetters} dead letters` : ""}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `chaos: ${report.kills} kills, ${report.acknowledged} orders and ${report.bidsAcknowledged} bids acknowledged, ` +
    `${report.checkoutsPaid}/${report.auctions} auctions paid, no anomaly\n`,
);
