/**
 * Backs up the shop's data folder while it runs: `npm run backup` (into ./backups/<time>/) or
 * `npm run backup -- <folder>`. Reads DATA_DIR like `npm start`.
 */
import { join, resolve } from "node:path";
import { backupDataFolder } from "../src/runtime/local/backup.js";
import { loadConfig } from "../src/runtime/local/config.js";

async function main() {
  const config = loadConfig(process.env);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const to = resolve(process.argv[2] ?? join("backups", `orderflow-${stamp}`));
  process.stdout.write(`Backing up ${config.dataDir} to ${to}\n`);
  let shown = -1;
  const summary = await backupDataFolder(config, to, ({ copiedPages, totalPages }) => {
    if (copiedPages === 0) {
      process.stdout.write(`  database: copying ${totalPages} pages…\n`);
      return;
    }
    const percent = Math.floor((copiedPages / Math.max(totalPages, 1)) * 100);
    if (percent >= shown + 10 || copiedPages === totalPages) {
      shown = percent;
      process.stdout.write(`  database: ${percent}% (${copiedPages}/${totalPages} pages)\n`);
    }
  });
  process.stdout.write(
    `Done: ${summary.orders} orders and ${summary.files} other files in ${summary.to}\n` +
      `Restore: stop the shop, then start it with DATA_DIR=${summary.to} (or copy the folder's contents back).\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
