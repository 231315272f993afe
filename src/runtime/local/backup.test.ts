import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderBody, startTestServer } from "../../../test/support/test-server.js";
import { backupDataFolder } from "./backup.js";

describe("backing up the data folder while the shop runs", () => {
  let shop: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    shop = await startTestServer();
  });
  afterAll(() => shop.close());

  it("copies every order, receipt and e-mail into a folder the shop starts from, with progress", async () => {
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push((await shop.api("/orders", { body: orderBody() })).body.order.id);
    await shop.idle();
    // Still in the WAL when the backup starts: a copy of the database file alone would miss these.
    const late = (await shop.api("/orders", { body: orderBody() })).body.order.id;
    const to = join(mkdtempSync(join(tmpdir(), "orderflow-backup-")), "copy");
    const progress: number[] = [];
    const summary = await backupDataFolder(shop.config, to, ({ copiedPages, totalPages }) =>
      progress.push(copiedPages / totalPages),
    );
    expect(progress.at(-1)).toBe(1);
    expect(summary.orders).toBeGreaterThanOrEqual(6);
    expect(summary.files).toBeGreaterThan(5);
    expect(existsSync(join(to, "objects", "receipts", `${placed[0]}.pdf`))).toBe(true);
    await expect(backupDataFolder(shop.config, to)).rejects.toThrow(/not empty/);

    const restored = await startTestServer({ DATA_DIR: to, DISPATCH_ENABLED: "false" });
    try {
      const admin = await restored.tokenFor("admin");
      for (const id of [...placed, late]) {
        expect((await restored.api(`/orders/${id}`, { token: admin })).status).toBe(200);
      }
      const receipt = await restored.api(`/orders/${placed[0]}/receipt`, { token: admin });
      expect(receipt.status).toBe(200);
      expect(receipt.headers.get("content-type")).toBe("application/pdf");
    } finally {
      await restored.close();
    }
  });
});
