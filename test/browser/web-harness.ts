import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/test-server.js";

const DIST = join(import.meta.dirname, "../../web/dist");
export const SCREENSHOTS = join(import.meta.dirname, "../../test-output/screenshots");

/** The test server serves web/dist itself (src/runtime/local/web-app.ts); it must have been built. */
export function assertWebAppBuilt(): void {
  if (!existsSync(join(DIST, "index.html"))) throw new Error("web/dist is missing: run `npm run build:web` first");
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * The shop (a test server serving the built web app) and a browser for the tests of one file, started in
 * its `beforeAll`; `closeShop` in its `afterAll`.
 */
export async function openShop(...serverArgs: Parameters<typeof startTestServer>) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  assertWebAppBuilt();
  const server = await startTestServer(...serverArgs);
  return { server, browser: await launchBrowser() };
}

export async function closeShop(shop: { server?: TestServer; browser?: Browser }) {
  await shop.browser?.close();
  await shop.server?.close();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The WCAG contrast ratio of an element's text colour against the site header's background. */
async function contrastOnHeader(page: Page, selector: string): Promise<number> {
  return page.evaluate((target) => {
    const rgb = (color: string) => (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const luminance = (color: string) => {
      const [r, g, b] = rgb(color).map((c) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    const text = getComputedStyle(document.querySelector(target) as Element).color;
    const background = getComputedStyle(document.querySelector(".site-header") as Element).backgroundColor;
    const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
    return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
  }, selector);
}

/** Signs in through the sign-in page; the header's Sign out button must then be there and readable. */
export async function signIn(page: Page, baseUrl: string, role: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("E-mail").fill(`${role}@orderflow.local`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: /Sign out/ }).waitFor();
  const contrast = await contrastOnHeader(page, ".site-header .link-button");
  if (contrast < 4.5)
    throw new Error(`the Sign out button is unreadable on the header (contrast ${contrast.toFixed(1)}:1)`);
}
