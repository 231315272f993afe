import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, type TestServer } from "../support/test-server.js";
import { closeShop, openShop, screenshot, signIn } from "./web-harness.js";

/** A clock the test can move forward, so an upload URL can expire between its issue and its use. */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

let server: TestServer;
let browser: Browser;

/** A port free now: upload URLs are made from PUBLIC_URL, so the server must know its own address up front. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

beforeAll(async () => {
  const port = String(await freePort());
  ({ server, browser } = await openShop({ PORT: port, PUBLIC_URL: `http://127.0.0.1:${port}` }, { clock }));
});
afterAll(() => closeShop({ server, browser }));

/** A small but real PDF: one empty page. */
const PDF = Buffer.from(
  [
    "%PDF-1.4",
    "1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj",
    "2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj",
    "3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj",
    "trailer <</Root 1 0 R>>",
    "%%EOF",
    "",
  ].join("\n"),
);
/** A 1×1 PNG: a photographed agreement. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

async function sellerToken(): Promise<string> {
  return (await server.api("/auth/sign-in", { body: { email: "seller@orderflow.local", password: DEMO_PASSWORD } }))
    .body.token;
}

/** Lists an auction as the demo seller through the API, open for the next hour; its id. */
async function listAuction(title: string): Promise<string> {
  const now = clock.now().getTime();
  const created = await server.api("/auctions", {
    token: await sellerToken(),
    body: {
      title,
      startingPrice: 1500,
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    },
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

/** The requests a page makes to ask for an upload URL or to upload. */
function uploadRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (request) => {
    if (/\/agreement\/upload-url$|\/uploads\//.test(new URL(request.url()).pathname)) seen.push(request);
  });
  return seen;
}

async function noHorizontalScroll(page: Page) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    view: document.documentElement.clientWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.view);
}

/** Downloads the attached agreement through the page's button; its bytes and file name. */
async function downloadThroughPage(page: Page, name: RegExp) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
  return { bytes: readFileSync((await download.path()) ?? ""), fileName: download.suggestedFilename() };
}

async function servedAgreement(id: string): Promise<Buffer> {
  const response = await fetch(`${server.url}/auctions/${id}/agreement`, {
    headers: { authorization: `Bearer ${await sellerToken()}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe("listing agreement in a browser", () => {
  it("on a phone, the seller's wrong or oversized file is refused before any upload; a PDF is uploaded, attached and downloaded", async () => {
    const id = await listAuction("Agreement Gâteau");
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, server.url, "seller", DEMO_PASSWORD);
    const requests = uploadRequests(page);
    await page.goto(`${server.url}/auctions/${id}`);
    await page.getByRole("heading", { name: "Listing agreement" }).waitFor();
    await expect
      .poll(() => page.getByTestId("agreement-state").textContent())
      .toBe("No signed agreement is attached yet.");
    const fileInput = page.getByLabel("Signed agreement");
    expect(await fileInput.getAttribute("accept")).toContain("application/pdf");
    await noHorizontalScroll(page);

    // a text file is refused beside the input, as soon as it is chosen and again on Upload
    await fileInput.setInputFiles({ name: "agreement.txt", mimeType: "text/plain", buffer: Buffer.from("signed") });
    const error = page.locator("#agreement-file-error");
    await expect.poll(() => error.textContent()).toMatch(/not a PDF, PNG or JPEG/);
    expect(await fileInput.getAttribute("aria-invalid")).toBe("true");
    await page.getByRole("button", { name: "Upload agreement" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("agreement-file");
    await screenshot(page, "agreement-wrong-type-phone");
    await noHorizontalScroll(page);

    // a PDF over 25 MB is refused too
    const big = join(mkdtempSync(join(tmpdir(), "orderflow-agreement-")), "huge-agreement.pdf");
    writeFileSync(big, Buffer.alloc(25 * 1024 * 1024 + 1, 0x20));
    await fileInput.setInputFiles(big);
    await expect.poll(() => error.textContent()).toMatch(/is 25 MB; an agreement may be at most 25 MB/);
    await page.getByRole("button", { name: "Upload agreement" }).click();
    await expect.poll(() => error.textContent()).toMatch(/at most 25 MB/);
    expect(requests).toEqual([]);
    expect((await server.api(`/auctions/${id}/agreement`, { token: await sellerToken() })).status).toBe(404);

    // a real PDF: upload URL from the API (with the token), then a plain PUT of the file (without it)
    await fileInput.setInputFiles({ name: "signed-agreement.pdf", mimeType: "application/pdf", buffer: PDF });
    await expect.poll(() => error.textContent()).toBe("");
    expect(await fileInput.getAttribute("aria-invalid")).toBe("false");
    await page.getByRole("button", { name: "Upload agreement" }).click();
    await expect
      .poll(() => page.getByTestId("agreement-status").textContent())
      .toBe("Listing agreement attached: signed-agreement.pdf.");
    await expect
      .poll(() => page.getByTestId("agreement-state").textContent())
      .toBe(`Attached (PDF, ${PDF.length} bytes)`);
    expect(requests).toHaveLength(2);
    const [asked, put] = requests as [Request, Request];
    expect(asked.method()).toBe("POST");
    expect((await asked.allHeaders()).authorization).toMatch(/^Bearer /);
    expect(JSON.parse(asked.postData() ?? "{}")).toEqual({ contentType: "application/pdf", size: PDF.length });
    expect(put.method()).toBe("PUT");
    const putHeaders = await put.allHeaders();
    expect(putHeaders["content-type"]).toBe("application/pdf");
    expect(putHeaders.authorization).toBeUndefined();
    const signed = await asked.response();
    expect(put.url()).toBe((await signed?.json())?.url);
    await screenshot(page, "agreement-attached-phone");
    await noHorizontalScroll(page);

    // opened through the page (fetched with the token), it is the PDF uploaded; so is what the API serves
    const downloaded = await downloadThroughPage(page, /Download agreement \(PDF\)/);
    expect(downloaded.fileName).toBe(`listing-agreement-${id}.pdf`);
    expect(downloaded.bytes.equals(PDF)).toBe(true);
    expect((await servedAgreement(id)).equals(PDF)).toBe(true);
    await context.close();
  });

  it("the seller replaces it; a used or expired upload URL is explained; an admin may download it; bidders see nothing", async () => {
    const id = await listAuction("Agreement Torte");
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, "seller", DEMO_PASSWORD);
    await page.goto(`${server.url}/auctions/${id}`);
    const fileInput = page.getByLabel("Signed agreement");
    await fileInput.setInputFiles({ name: "agreement.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "Upload agreement" }).click();
    await expect.poll(() => page.getByTestId("agreement-state").textContent()).toMatch(/^Attached \(PDF/);

    // the upload URL is used first from elsewhere (say another tab): the server's 409 is said in words beside the input
    const error = page.locator("#agreement-file-error");
    const replacement = page.getByLabel("Replace it with another file");
    await page.route("**/uploads/**", async (route) => {
      const request = route.request();
      await fetch(request.url(), {
        method: "PUT",
        headers: { "content-type": "image/png" },
        body: new Uint8Array(PNG),
      });
      await route.continue();
    });
    await replacement.setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: PNG });
    await page.getByRole("button", { name: "Replace agreement" }).click();
    await expect.poll(() => error.textContent()).toMatch(/upload link was already used/);
    // the page shows what is attached now: what the other upload sent
    await expect
      .poll(() => page.getByTestId("agreement-state").textContent())
      .toBe(`Attached (PNG, ${PNG.length} bytes)`);
    await page.unroute("**/uploads/**");

    // the URL expires between its issue and the upload (the server's clock moves on): 403 UPLOAD_URL_EXPIRED
    await page.route("**/uploads/**", async (route) => {
      offset.ms += 301_000;
      await route.continue();
    });
    await page.getByRole("button", { name: "Replace agreement" }).click();
    await expect.poll(() => error.textContent()).toMatch(/upload link expired/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("agreement-file");
    await screenshot(page, "agreement-expired");
    await page.unroute("**/uploads/**");

    // attached later than the page looks (as after an S3 event on AWS): it says so, and "Check again" finds it
    const agreementUrl = `**/auctions/${id}/agreement/summary`;
    await page.route(agreementUrl, (route) =>
      route.request().method() === "GET"
        ? route.fulfill({
            status: 404,
            contentType: "application/json",
            body: JSON.stringify({ error: { code: "AGREEMENT_NOT_FOUND", message: "No agreement has been uploaded" } }),
          })
        : route.continue(),
    );
    const photo = Buffer.concat([PNG, Buffer.from("second scan")]);
    await replacement.setInputFiles({ name: "scan.png", mimeType: "image/png", buffer: photo });
    await page.getByRole("button", { name: "Replace agreement" }).click();
    await page.getByRole("button", { name: "Check again" }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("agreement-status").textContent()).toMatch(/scan\.png\. It is being processed/);
    await page.unroute(agreementUrl);
    await page.getByRole("button", { name: "Check again" }).click();
    await expect
      .poll(() => page.getByTestId("agreement-state").textContent())
      .toBe(`Attached (PNG, ${photo.length} bytes)`);
    expect(await page.getByTestId("agreement-status").textContent()).toBe("Listing agreement attached: scan.png.");
    expect(await page.getByRole("button", { name: "Check again" }).count()).toBe(0);
    const downloaded = await downloadThroughPage(page, /Download agreement \(PNG\)/);
    expect(downloaded.fileName).toBe(`listing-agreement-${id}.png`);
    expect(downloaded.bytes.equals(photo)).toBe(true);
    await context.close();

    // an admin downloads it, without a way to upload
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await signIn(admin, server.url, "admin", DEMO_PASSWORD);
    await admin.goto(`${server.url}/auctions/${id}`);
    await admin.getByRole("heading", { name: "Listing agreement" }).waitFor();
    expect((await downloadThroughPage(admin, /Download agreement \(PNG\)/)).bytes.equals(photo)).toBe(true);
    expect(await admin.locator("#agreement-file").count()).toBe(0);
    await adminContext.close();

    // a customer (a bidder) sees no agreement section
    const customerContext = await browser.newContext();
    const customer = await customerContext.newPage();
    await signIn(customer, server.url, "customer", DEMO_PASSWORD);
    await customer.goto(`${server.url}/auctions/${id}`);
    await customer.getByRole("button", { name: "Place bid" }).waitFor();
    expect(await customer.getByRole("heading", { name: "Listing agreement" }).count()).toBe(0);
    await customerContext.close();
  });
});
