import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

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

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the sign-in page. */
export async function signIn(page: Page, baseUrl: string, role: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("E-mail").fill(`${role}@orderflow.local`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: /Sign out/ }).waitFor();
}
