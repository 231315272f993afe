import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../support/test-server.js";
import { closeShop, openShop, screenshot } from "./web-harness.js";

let server: TestServer;
let web: { url: string };
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openShop());
  web = { url: server.url };
});
afterAll(() => closeShop({ server, browser }));

const EMAIL = "grace@example.com";
const PASSWORD = "analytical-engine-1843";

/** The element that has focus, as its tag name and id (or text), e.g. `INPUT#sign-up-password`. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return `${active?.tagName}${active?.id ? `#${active.id}` : (active?.textContent ?? "")}`;
  });

/** Counts the sign-up requests the page sends. */
function countSignUps(page: Page) {
  const seen = { count: 0 };
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/auth/sign-up") seen.count++;
  });
  return seen;
}

describe("creating an account in a browser", () => {
  it("a visitor asked to sign in creates an account, is signed in and returned to the page that asked", async () => {
    const page = await browser.newPage();
    const signUps = countSignUps(page);
    await page.goto(`${web.url}/my-orders`);
    await page.getByRole("heading", { name: "Sign in needed" }).waitFor();
    await page.getByRole("main").getByRole("link", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    await page.getByRole("main").getByRole("link", { name: "Create an account" }).click();

    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-up");
    expect(await page.title()).toBe("Create an account · Orderflow Bakery");
    await expect.poll(() => focused(page)).toBe("H1Create an account"); // announced like every page
    expect(await page.getByLabel("E-mail").getAttribute("autocomplete")).toBe("email");
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("autocomplete")).toBe("new-password");
    expect(await page.getByLabel("Your name").getAttribute("autocomplete")).toBe("name");
    expect(await page.getByRole("main").getByRole("checkbox").count()).toBe(0); // no roles to pick

    // the API's rules are checked before anything is sent, the message beside its field
    await page.getByLabel("Your name").fill("Grace Hopper");
    await page.getByLabel("E-mail").fill(EMAIL);
    await page.getByLabel("Password", { exact: true }).fill("too-short");
    await page.getByRole("button", { name: "Create account" }).click();
    const password = page.getByLabel("Password", { exact: true });
    await expect.poll(() => page.locator("#sign-up-password-error").textContent()).toBe("Use at least 10 characters");
    expect(await password.getAttribute("aria-invalid")).toBe("true");
    expect(await password.getAttribute("aria-describedby")).toContain("sign-up-password-error");
    expect(await focused(page)).toBe("INPUT#sign-up-password");
    expect(signUps.count).toBe(0);
    await screenshot(page, "sign-up-errors");

    // while the account is being created the button is busy, and a second submit sends nothing
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/auth/sign-up", async (route: Route) => {
      await held;
      await route.continue();
    });
    await password.fill(PASSWORD);
    await expect.poll(() => password.getAttribute("aria-invalid")).toBe("false");
    await page.getByRole("button", { name: "Create account" }).click();
    const busy = page.getByRole("button", { name: "Creating your account…" });
    await busy.waitFor();
    expect(await busy.isDisabled()).toBe(true);
    await password.press("Enter");
    release();

    await page.getByRole("heading", { name: "My orders" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/my-orders");
    await page.getByRole("button", { name: `Sign out ${EMAIL}` }).waitFor();
    expect(signUps.count).toBe(1);
    const token = await page.evaluate(() => localStorage.getItem("orderflow.token"));
    const me = await server.api("/auth/me", { token: token ?? "" });
    expect(me.body).toMatchObject({ email: EMAIL, roles: ["customer"] });

    // signed out, the same e-mail (in other capitals) cannot have a second account
    await page.getByRole("button", { name: /Sign out/ }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    await page.getByLabel("Your name").fill("Grace Again");
    await page.getByLabel("E-mail").fill("Grace@Example.com");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    const email = page.getByLabel("E-mail");
    const emailError = page.locator("#sign-up-email-error");
    await expect.poll(() => emailError.textContent()).toContain("An account with this e-mail already exists");
    expect(await email.getAttribute("aria-invalid")).toBe("true");
    expect(await email.getAttribute("aria-describedby")).toBe("sign-up-email-error");
    expect(await focused(page)).toBe("INPUT#sign-up-email");
    expect(new URL(page.url()).pathname).toBe("/sign-up");
    expect(await page.getByRole("button", { name: /Sign out/ }).count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem("orderflow.token"))).toBeNull();
    await page.close();
  });

  it("on a phone, a visitor whose e-mail has an account is offered to sign in and returns to their page", async () => {
    const created = await server.api("/auth/sign-up", {
      body: { email: "ada@example.com", password: PASSWORD, name: "Ada Lovelace" },
    });
    expect(created.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // phone width
    await page.goto(`${web.url}/cakes/carrot-cake`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    await page.getByLabel("Your name").fill("Another Ada");
    await page.getByLabel("E-mail").fill("ada@example.com");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();

    const email = page.getByLabel("E-mail");
    const emailError = page.locator("#sign-up-email-error");
    await expect.poll(() => emailError.textContent()).toContain("An account with this e-mail already exists");
    expect(await email.getAttribute("aria-invalid")).toBe("true");
    expect(await email.getAttribute("aria-describedby")).toBe("sign-up-email-error");
    expect(await focused(page)).toBe("INPUT#sign-up-email");
    expect(new URL(page.url()).pathname).toBe("/sign-up");
    expect(await page.getByRole("button", { name: /Sign out/ }).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, "sign-up-email-taken-phone");

    // signing in instead goes back to the page the visitor came from
    await emailError.getByRole("link", { name: "Sign in instead" }).click();
    await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    await page.getByLabel("E-mail").fill("ada@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Carrot Cake", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/cakes/carrot-cake");
    await page.close();
  });
});
