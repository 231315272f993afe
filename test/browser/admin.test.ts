import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mailer } from "../../src/ports/mailer.js";
import { DEMO_PASSWORD, orderBody, type TestServer } from "../support/test-server.js";
import { closeShop, openShop, screenshot, signIn } from "./web-harness.js";

let server: TestServer;
let web: { url: string };
let browser: Browser;
let mailBroken = true;

beforeAll(async () => {
  ({ server, browser } = await openShop(
    { DELIVERY_MAX_ATTEMPTS: "3", DELIVERY_BACKOFF_MS: "5" },
    {
      mailer: (real): Mailer => ({
        send: async (message) => {
          if (mailBroken) throw new Error("SMTP server refused the connection");
          return real.send(message);
        },
      }),
    },
  ));
  web = { url: server.url };
});
afterAll(() => closeShop({ server, browser }));

describe("the admin pages in a browser", () => {
  it("an admin sees a dead letter with its error and redrives it once the mail server is back", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const orderId: string = placed.body.order.id;
    await server.idle();

    const page = await browser.newPage();
    await signIn(page, web.url, "admin", DEMO_PASSWORD);
    await page.getByRole("heading", { name: "All orders" }).waitFor();
    await page.getByRole("link", { name: orderId }).waitFor();
    await page.getByLabel("Status").selectOption("failed");
    await page.getByText("No orders with status").waitFor();
    await page.getByLabel("Status").selectOption("confirmed");
    await page.getByRole("link", { name: orderId }).waitFor();
    await screenshot(page, "admin-orders");

    await page.getByRole("link", { name: "Products" }).click();
    await page.getByRole("heading", { name: "Products and stock" }).waitFor();
    await page.getByLabel("Stock of Carrot Cake").fill("3");
    await page.getByRole("button", { name: "Save Carrot Cake" }).click();
    await expect.poll(async () => (await server.api("/products/carrot-cake")).body.stock).toBe(3);
    await screenshot(page, "admin-products");

    await page.getByRole("link", { name: "Operations" }).click();
    const letter = page.locator(".dead-letter").filter({ hasText: orderId });
    await letter.getByText("SMTP server refused the connection").waitFor();
    expect(
      await letter
        .getByText(/^Order/)
        .getByRole("link", { name: orderId })
        .getAttribute("href"),
    ).toBe(`/orders/${orderId}`);
    await screenshot(page, "admin-operations");

    mailBroken = false;
    await letter.getByRole("button", { name: /Redrive/ }).click();
    await page.getByText(/^Redriven:/).waitFor();
    await server.idle();
    await page.getByText("No failed deliveries").waitFor();
    // The list follows the dead letters as they come, like the figures: a new one shows without a reload.
    mailBroken = true;
    const later = await server.api("/orders", { body: orderBody() });
    await server.idle();
    await page.locator(".dead-letter").filter({ hasText: later.body.order.id }).waitFor({ timeout: 15_000 });
    mailBroken = false;
    await page
      .getByRole("button", { name: /Redrive/ })
      .first()
      .click();
    await server.idle();
    const order = await server.api(`/orders/${orderId}`, { token: await server.tokenFor("admin") });
    expect(order.body.timeline.map((e: { type: string }) => e.type)).toContain("receipt_issued");
    await page.close();
  });

  it("the products form refuses what it cannot save beside the field, accepts a decimal comma, and says Saved", async () => {
    const page = await browser.newPage();
    await signIn(page, web.url, "admin", DEMO_PASSWORD);
    await page.getByRole("link", { name: "Products" }).click();
    const price = page.getByLabel("Price of Lemon Drizzle Cake in");
    const stock = page.getByLabel("Stock of Lemon Drizzle Cake");
    const row = page.getByRole("form", { name: "Edit Lemon Drizzle Cake" });
    const stored = async () => (await server.api("/products/lemon-drizzle-cake")).body;
    const before = await stored();

    await stock.fill("");
    await stock.press("Enter");
    await row.getByText("Enter the stock as a whole number, 0 or more").waitFor();
    expect(await stock.getAttribute("aria-invalid")).toBe("true");
    expect((await stored()).stock).toBe(before.stock);

    await stock.fill(String(before.stock));
    await price.fill("29.999");
    await price.press("Enter");
    await row.getByText(/at most 2 decimals/).waitFor();
    expect(await price.getAttribute("aria-invalid")).toBe("true");
    expect((await stored()).price.amount).toBe(before.price.amount);

    await price.fill("29,50");
    await price.press("Enter");
    await row.getByText("Saved").waitFor();
    expect((await stored()).price.amount).toBe(2950);
    await expect.poll(() => price.inputValue()).toBe("29.50"); // the saved price, once reloaded

    await stock.fill("2000000");
    await stock.press("Enter");
    await row.getByText(/Too big/).waitFor();
    expect(await stock.getAttribute("aria-invalid")).toBe("true");
    expect(await row.getByText("The request has invalid fields").count()).toBe(0);
    await screenshot(page, "admin-products-errors");
    await page.close();
  });

  it("a session that ends shows the sign-in prompt, stops the console's polling, and signing in returns there", async () => {
    const page = await browser.newPage();
    await signIn(page, web.url, "maker", DEMO_PASSWORD);
    await page.getByRole("heading", { name: "Bake list" }).waitFor();
    let refused = 0;
    page.on("response", (response) => {
      if (response.status() === 401) refused++;
    });
    await page.evaluate(() => localStorage.setItem("orderflow.token", "expired.or.forged"));
    await page.getByRole("heading", { name: "Sign in needed" }).waitFor({ timeout: 10_000 });
    await page.getByText("Your session has ended. Please sign in again.").waitFor();
    expect(await page.title()).toBe("Sign in needed · Orderflow Bakery");
    await page.waitForTimeout(6000); // the console polls every 5 s
    expect(refused).toBe(1);

    await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("E-mail").fill("maker@orderflow.local");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Bake list" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/maker");
    await page.close();
  });

  it("pages a role may not use are not offered", async () => {
    const page = await browser.newPage();
    await signIn(page, web.url, "customer", DEMO_PASSWORD);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "My orders" }).waitFor();
    expect(await nav.getByRole("link", { name: "Operations" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Bake list" }).count()).toBe(0);
    await page.goto(`${web.url}/backoffice/operations`);
    await page.getByRole("heading", { name: "Sign in needed" }).waitFor();
    await page.close();
  });
});
