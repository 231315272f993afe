import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mailer } from "../../src/ports/mailer.js";
import { DEMO_PASSWORD, orderBody, startTestServer, type TestServer } from "../support/test-server.js";
import { assertWebAppBuilt, launchBrowser, SCREENSHOTS, screenshot, signIn } from "./web-harness.js";

let server: TestServer;
let web: { url: string };
let browser: Browser;
let mailBroken = true;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startTestServer(
    { DELIVERY_MAX_ATTEMPTS: "3", DELIVERY_BACKOFF_MS: "5" },
    {
      mailer: (real): Mailer => ({
        send: async (message) => {
          if (mailBroken) throw new Error("SMTP server refused the connection");
          return real.send(message);
        },
      }),
    },
  );
  assertWebAppBuilt();
  web = { url: server.url };
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

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
    await screenshot(page, "admin-operations");

    mailBroken = false;
    await letter.getByRole("button", { name: /Redrive/ }).click();
    await page.getByText(/^Redriven:/).waitFor();
    await server.idle();
    await page.getByText("No failed deliveries").waitFor();
    const order = await server.api(`/orders/${orderId}`, { token: await server.tokenFor("admin") });
    expect(order.body.timeline.map((e: { type: string }) => e.type)).toContain("receipt_issued");
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
