import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, orderBody, type TestServer } from "../support/test-server.js";
import { closeShop, openShop, screenshot, signIn } from "./web-harness.js";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openShop());
});
afterAll(() => closeShop({ server, browser }));

describe("the admin's live pages in a browser", () => {
  it("the operations page shows live figures and the mailbox shows the confirmation with its PDF", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const orderId: string = placed.body.order.id;
    await server.idle();

    const page = await browser.newPage();
    await signIn(page, server.url, "admin", DEMO_PASSWORD);
    await page.getByRole("link", { name: "Operations" }).click();
    await page.getByRole("heading", { name: "Live figures" }).waitFor();
    await expect.poll(() => page.locator('[data-figure="orders-last-30"]').textContent()).toBe("1");
    await page.getByRole("img", { name: /Orders per minute over the last 30 minutes/ }).waitFor();
    expect(await page.locator(".chart__bar").count()).toBeGreaterThanOrEqual(30);
    // a second order shows up at the next refresh, without a reload
    await server.api("/orders", { body: orderBody() });
    await expect.poll(() => page.locator('[data-figure="orders-last-30"]').textContent(), { timeout: 8000 }).toBe("2");
    await screenshot(page, "admin-operations-figures");

    await page.getByRole("link", { name: "Mailbox" }).click();
    await page.getByRole("heading", { name: "Mailbox" }).waitFor();
    const confirmation = page.getByRole("link", { name: new RegExp(`order ${orderId} is confirmed`) });
    await confirmation.click();
    const message = page.getByRole("article", { name: /is confirmed/ });
    await message.getByText("ada@example.com").first().waitFor();
    const attachment = message.getByRole("button", { name: /\.pdf$/ });
    await attachment.waitFor();
    await message.getByText("application/pdf").waitFor();
    await screenshot(page, "admin-mailbox");

    // the attachment opens as a blob in a new tab
    const [opened] = await Promise.all([page.context().waitForEvent("page"), attachment.click()]);
    await expect.poll(() => opened.url()).toMatch(/^blob:/);
    await opened.close();
    await page.close();
  });
});
