import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { DEMO_PASSWORD, type TestServer } from "../support/test-server.js";
import { closeShop, openShop, screenshot, signIn } from "./web-harness.js";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openShop());
});
afterAll(() => closeShop({ server, browser }));

const EMAIL = "grace@example.com";
const OLD_PASSWORD = "cobol-compiler-1959";
const NEW_PASSWORD = "harvard-mark-one-1944";

/** The element that has focus, as its tag name and id (or text), e.g. `INPUT#reset-repeat`. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return `${active?.tagName}${active?.id ? `#${active.id}` : (active?.textContent ?? "")}`;
  });

/** Counts the requests to one API path the page sends. */
function countRequests(page: Page, path: string) {
  const seen = { count: 0 };
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === path) seen.count++;
  });
  return seen;
}

/** The reset link in the newest reset e-mail, read in the app's mailbox by an admin (in a browser of its own). */
async function resetLinkFromMailbox(): Promise<URL> {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await signIn(admin, server.url, "admin", DEMO_PASSWORD);
  await admin.getByRole("link", { name: "Mailbox" }).click();
  await admin.getByRole("heading", { name: "Mailbox" }).waitFor();
  await admin
    .getByRole("link", { name: /reset your password/ })
    .first()
    .click();
  const message = admin.getByRole("article", { name: /reset your password/ });
  await message.getByText(EMAIL).first().waitFor();
  await screenshot(admin, "password-reset-mailbox");
  const text = (await message.locator(".mail-text").textContent()) ?? "";
  await context.close();
  const link = /(\S+\/reset-password\?token=\S+)/.exec(text)?.[1];
  if (!link) throw new Error(`no reset link in ${text}`);
  return new URL(link);
}

describe("resetting a forgotten password in a browser", () => {
  it("forgot → the e-mail in the mailbox → a new password, twice → signed in with it; the old one no longer works", async () => {
    expect(
      (await server.api("/auth/sign-up", { body: { email: EMAIL, password: OLD_PASSWORD, name: "Grace" } })).status,
    ).toBe(201);
    const page = await browser.newPage();
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole("main").getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/forgot-password");
    expect(await page.title()).toBe("Forgot your password? · Orderflow Bakery");
    await expect.poll(() => focused(page)).toBe("H1Forgot your password?");

    // the address is checked as the API checks it before anything is sent
    const requests = countRequests(page, "/auth/password-reset");
    await page.getByLabel("E-mail").fill("grace@");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await expect
      .poll(() => page.locator("#forgot-password-email-error").textContent())
      .toBe("Enter an e-mail like ada@example.com");
    expect(await page.getByLabel("E-mail").getAttribute("aria-invalid")).toBe("true");
    expect(await focused(page)).toBe("INPUT#forgot-password-email");
    expect(requests.count).toBe(0);

    await page.getByLabel("E-mail").fill("Grace@Example.com");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByRole("heading", { name: "Check your e-mail" }).waitFor();
    const sentMessage = await page.getByRole("status").textContent();
    expect(sentMessage).toContain("If an account exists for Grace@Example.com, we have sent it an e-mail");
    expect(requests.count).toBe(1);
    await screenshot(page, "password-reset-sent");

    // an address without an account reads the same, and gets nothing
    await page.getByRole("button", { name: "ask for another link" }).click();
    await page.getByLabel("E-mail").fill("nobody@example.com");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByRole("heading", { name: "Check your e-mail" }).waitFor();
    expect(await page.getByRole("status").textContent()).toBe(
      sentMessage?.replace("Grace@Example.com", "nobody@example.com"),
    );
    const mails = await readMailbox(server.config.mailDir);
    expect(mails.filter((mail) => addressesOf(mail).includes("nobody@example.com"))).toHaveLength(0);
    expect(mails.filter((mail) => addressesOf(mail).includes(EMAIL))).toHaveLength(1);

    // the link from the e-mail (its base is PUBLIC_URL; the test server listens on another address)
    const link = await resetLinkFromMailbox();
    expect(`${link.origin}${link.pathname}`).toBe(`${server.config.publicUrl}/reset-password`);
    const token = link.searchParams.get("token") ?? "";
    expect(token).toMatch(/^\w+\.[\w-]+$/);
    const confirms = countRequests(page, "/auth/password-reset/confirm");
    await page.goto(`${server.url}/reset-password?token=${encodeURIComponent(token)}`);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    // the token leaves the address bar (and the history entry) once read
    await expect.poll(() => page.evaluate(() => window.location.href)).toBe(`${server.url}/reset-password`);
    expect(await page.content()).not.toContain(token);
    expect(await page.getByLabel("New password", { exact: true }).getAttribute("autocomplete")).toBe("new-password");

    // the two entries must match, and follow sign-up's rules, before anything is sent
    await page.getByLabel("New password", { exact: true }).fill("too-short");
    await page.getByLabel("Repeat the new password").fill("too-short");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect.poll(() => page.locator("#reset-password-error").textContent()).toBe("Use at least 10 characters");
    expect(await focused(page)).toBe("INPUT#reset-password");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(`${NEW_PASSWORD}!`);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect.poll(() => page.locator("#reset-repeat-error").textContent()).toBe("The passwords do not match");
    expect(await page.getByLabel("Repeat the new password").getAttribute("aria-invalid")).toBe("true");
    expect(await focused(page)).toBe("INPUT#reset-repeat");
    expect(confirms.count).toBe(0);
    await screenshot(page, "password-reset-mismatch");

    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.getByRole("heading", { name: "Your password has been changed" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain(`You are signed in as ${EMAIL}`);
    await page.getByRole("button", { name: `Sign out ${EMAIL}` }).waitFor();
    expect(confirms.count).toBe(1);
    await screenshot(page, "password-reset-done");
    await page.getByRole("link", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "My orders" }).waitFor();

    // signed out: the old password is refused, the new one signs in
    await page.getByRole("button", { name: /Sign out/ }).click();
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("E-mail").fill(EMAIL);
    await page.getByLabel("Password").fill(OLD_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("Wrong e-mail or password").waitFor();
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: `Sign out ${EMAIL}` }).waitFor();
    await page.close();

    // on a phone, the used link says so and offers a new one
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/reset-password?token=${encodeURIComponent(token)}`);
    await phone.getByLabel("New password", { exact: true }).fill("a third password, never set");
    await phone.getByLabel("Repeat the new password").fill("a third password, never set");
    await phone.getByRole("button", { name: "Save the new password" }).click();
    await phone.getByRole("heading", { name: "This link does not work" }).waitFor();
    expect(await phone.getByRole("alert").textContent()).toContain("invalid, has expired or was used already");
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(phone, "password-reset-link-used-phone");
    await phone.getByRole("link", { name: "Ask for a new link" }).click();
    await phone.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await phone.close();
    expect((await server.api("/auth/sign-in", { body: { email: EMAIL, password: NEW_PASSWORD } })).status).toBe(200);
  });

  it("sign out everywhere from the account page ends the session in another browser too", async () => {
    const laptop = await browser.newContext();
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const [here, there] = [await laptop.newPage(), await phone.newPage()];
    await signIn(here, server.url, "customer", DEMO_PASSWORD);
    await signIn(there, server.url, "customer", DEMO_PASSWORD);

    await here.getByRole("link", { name: "Account" }).click();
    await here.getByRole("heading", { name: "Your account" }).waitFor();
    expect(await here.getByRole("main").textContent()).toContain("Signed in as customer@orderflow.local");
    await here.getByRole("button", { name: "Sign out everywhere" }).click();
    await here.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    expect(await here.getByRole("status").textContent()).toContain("You are signed out on every device");
    await here.getByRole("link", { name: "Sign in", exact: true }).waitFor(); // the header: signed out
    await screenshot(here, "signed-out-everywhere");

    // the other browser still shows its page; its next request is refused and it shows itself signed out
    await there.goto(`${server.url}/my-orders`);
    await there.getByRole("heading", { name: "Sign in needed" }).waitFor();
    expect(await there.getByRole("main").textContent()).toContain("Your session has ended");
    expect(await there.evaluate(() => localStorage.getItem("orderflow.token"))).toBeNull(); // the refused token is forgotten
    await laptop.close();
    await phone.close();
  });

  it("a reset page opened without a token says the link does not work", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/reset-password`);
    await page.getByRole("heading", { name: "This link does not work" }).waitFor();
    await page.getByRole("link", { name: "Ask for a new link" }).waitFor();
    await page.close();
  });
});
