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

describe("the admin mailbox on a phone", () => {
  it("a message tapped in a long list opens in view and takes focus, instead of far below the list", async () => {
    // enough e-mail for the list to be several screens long at phone width
    await Promise.all(Array.from({ length: 12 }, () => server.api("/orders", { body: orderBody() })));
    await server.idle();

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, server.url, "admin", DEMO_PASSWORD);
    await page.getByRole("link", { name: "Mailbox" }).click();
    await page.getByRole("heading", { name: "Mailbox" }).waitFor();
    const items = page.locator(".mail-item");
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(12);
    const list = await page.locator(".mail-list").boundingBox();
    expect(list?.height).toBeGreaterThan(2 * 844); // the message view starts well below the first screen

    await items.first().click();
    const message = page.getByRole("article", { name: /^Message:/ });
    await message.waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains("mail-message") ?? false))
      .toBe(true);
    const top = await message.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(844 / 2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "admin-mailbox-phone");

    // and back to the list at the top, without scrolling past thousands of pixels
    await message.getByRole("link", { name: "← Back to the messages" }).click();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    expect(await page.getByRole("article", { name: /^Message:/ }).count()).toBe(0);
    await page.close();
  });
});
