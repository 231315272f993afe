import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, type TestServer } from "../support/test-server.js";
import { closeShop, openShop, screenshot, signIn } from "./web-harness.js";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openShop());
});
afterAll(() => closeShop({ server, browser }));

/** The demo seller's token. */
async function sellerToken(): Promise<string> {
  return (await server.api("/auth/sign-in", { body: { email: "seller@orderflow.local", password: DEMO_PASSWORD } }))
    .body.token;
}

/** Lists an auction as the demo seller through the API, open for the next hour (or from `startsInMs`); its id. */
async function listAuction(
  terms: { title: string; startingPrice: number; buyNowPrice?: number },
  startsInMs = -1000,
): Promise<string> {
  const now = Date.now();
  const created = await server.api("/auctions", {
    token: await sellerToken(),
    body: {
      ...terms,
      startsAt: new Date(now + startsInMs).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    },
  });
  return created.body.id;
}

/** A buy-now auction the demo customer has just won (sold, not yet paid); its id. */
async function wonAuction(title: string): Promise<string> {
  const id = await listAuction({ title, startingPrice: 1000, buyNowPrice: 3000 });
  const won = await server.api(`/auctions/${id}/bids`, {
    body: { amount: 3000 },
    token: await server.tokenFor("customer"),
  });
  expect(won.body.auction.status).toBe("sold");
  return id;
}

describe("auctions in a browser", () => {
  it("a seller lists an auction, a customer's too-low bid is refused, and a valid bid shows live elsewhere", async () => {
    // the seller lists an auction through the form
    const sellerContext = await browser.newContext();
    const seller = await sellerContext.newPage();
    await signIn(seller, server.url, "seller", DEMO_PASSWORD);
    await seller.getByRole("heading", { name: "My auctions" }).waitFor();
    await seller.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sell" }).click();
    await seller.getByRole("heading", { name: "Sell a cake at auction" }).waitFor();
    // an empty form is refused beside the fields, before anything is sent
    await seller.getByRole("button", { name: "List the auction" }).click();
    await expect.poll(() => seller.locator("#auction-title-error").textContent()).toBe("Please fill this in");
    await seller.getByLabel("Title").fill("Midsummer Pavlova");
    await seller.getByLabel("Description (optional)").fill("Meringue, cream and the first strawberries.");
    await seller.getByLabel("Starting price (€)").fill("15");
    // a rule only the API checks (the end must come after the start) is shown beside its field
    const startsAt = await seller.getByLabel("Starts").inputValue();
    const endsAt = await seller.getByLabel("Ends").inputValue();
    await seller.getByLabel("Ends").fill(startsAt);
    await seller.getByRole("button", { name: "List the auction" }).click();
    await expect.poll(() => seller.locator("#auction-endsAt-error").textContent()).toMatch(/after it starts/);
    expect(await seller.getByLabel("Ends").getAttribute("aria-invalid")).toBe("true");
    await seller.getByLabel("Ends").fill(endsAt);
    await screenshot(seller, "auction-create");
    await seller.getByRole("button", { name: "List the auction" }).click();
    await seller.getByRole("heading", { name: "Midsummer Pavlova" }).waitFor();
    const auctionId = new URL(seller.url()).pathname.split("/").pop() ?? "";
    expect(auctionId).not.toBe("");
    await seller.getByRole("button", { name: "Cancel auction" }).waitFor();

    // before any bid the seller may still change it: euros in the form, cents in the API
    await seller.getByRole("link", { name: "Edit" }).click();
    await seller.getByRole("heading", { name: "Edit “Midsummer Pavlova”" }).waitFor();
    expect(await seller.getByLabel("Starting price (€)").inputValue()).toBe("15.00");
    await seller.getByLabel("Starting price (€)").fill("20");
    await screenshot(seller, "auction-edit");
    await seller.getByRole("button", { name: "Save changes" }).click();
    await seller.getByRole("heading", { name: "Midsummer Pavlova" }).waitFor();
    await expect.poll(() => seller.getByTestId("current-price").textContent()).toBe("€20.00");
    expect((await server.api(`/auctions/${auctionId}`)).body.startingPrice).toBe(2000);
    await seller.getByRole("link", { name: "My auctions" }).click();
    await seller.getByRole("link", { name: "Midsummer Pavlova" }).waitFor();
    await screenshot(seller, "auction-my-auctions");

    // someone else watches the auction page in a second browser context
    const watcherContext = await browser.newContext();
    const watcher = await watcherContext.newPage();
    await watcher.goto(`${server.url}/auctions/${auctionId}`);
    await watcher.getByText("● Live bids").waitFor();
    await expect.poll(() => watcher.getByTestId("current-price").textContent()).toBe("€20.00");
    const watcherUrl = watcher.url();

    // a customer finds it and bids
    const customerContext = await browser.newContext();
    const customer = await customerContext.newPage();
    await signIn(customer, server.url, "customer", DEMO_PASSWORD);
    await customer.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Auctions" }).click();
    await customer.getByRole("heading", { name: "Auctions" }).waitFor();
    await customer.getByRole("link", { name: "Midsummer Pavlova" }).waitFor();
    await screenshot(customer, "auction-list");
    await customer.getByRole("link", { name: "Midsummer Pavlova" }).click();
    await customer.getByRole("heading", { name: "Midsummer Pavlova" }).waitFor();
    await customer.getByTestId("minimum-bid").waitFor();
    expect(await customer.getByTestId("minimum-bid").textContent()).toBe("€20.00");

    await customer.getByLabel("Your bid (€)").fill("5");
    await customer.getByRole("button", { name: "Place bid" }).click();
    const bidError = customer.locator("#bid-amount-error");
    await expect.poll(() => bidError.textContent()).toContain("bid at least €20.00");
    expect(await customer.getByLabel("Your bid (€)").getAttribute("aria-invalid")).toBe("true");
    await screenshot(customer, "auction-bid-too-low");

    await customer.getByLabel("Your bid (€)").fill("25");
    await customer.getByRole("button", { name: "Place bid" }).click();
    await customer.getByText("Your bid of €25.00 is the highest.").waitFor();
    await customer.getByText("You are the highest bidder.").waitFor();
    await screenshot(customer, "auction-detail");

    // the watcher's page updated by itself
    await expect.poll(() => watcher.getByTestId("current-price").textContent()).toBe("€25.00");
    await watcher.locator(".bid-history").getByText("€25.00").waitFor();
    expect(watcher.url()).toBe(watcherUrl);
    await screenshot(watcher, "auction-detail-live");

    await customer.getByRole("link", { name: "My bids" }).click();
    await customer.getByRole("heading", { name: "My bids" }).waitFor();
    await customer.getByText("you are the highest bidder").waitFor();
    await screenshot(customer, "auction-my-bids");

    const stored = await server.api(`/auctions/${auctionId}`);
    expect(stored.body).toMatchObject({ bidCount: 1, highestBid: { amount: 2500 } });
    await Promise.all([sellerContext.close(), watcherContext.close(), customerContext.close()]);
  });

  it("the winner of a buy-now auction pays through the checkout form and is linked to the order", async () => {
    const id = await listAuction({ title: "Buy-now Baklava", startingPrice: 1000, buyNowPrice: 3000 });
    const won = await server.api(`/auctions/${id}/bids`, {
      body: { amount: 3000 },
      token: await server.tokenFor("customer"),
    });
    expect(won.body.auction.status).toBe("sold");

    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, "customer", DEMO_PASSWORD);
    await page.goto(`${server.url}/auctions/${id}`);
    await page.getByRole("heading", { name: "You won — pay for your cake" }).waitFor();
    // Sold at once at the buy-now price: its end time was never reached.
    expect(await page.getByText(/Closed early; was to end/).count()).toBe(1);
    await page.getByLabel("Street and number").fill("3 Filo Street");
    await page.getByLabel("City").fill("Leiden");
    await page.getByLabel("Postal code").fill("2311 AA");
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("link", { name: /Track order/ }).waitFor({ timeout: 15_000 });
    await screenshot(page, "auction-checkout-paid");
    const paid = (await server.api(`/auctions/${id}`, { token: await server.tokenFor("customer") })).body;
    expect(paid.checkout.state).toBe("paid");
    const order = await server.api(`/orders/${paid.checkout.orderId}`, { token: await server.tokenFor("customer") });
    expect(order.body.order).toMatchObject({ status: "confirmed", total: { amount: 3000 } });

    // the seller sees the outcome, but no link to the winner's order (which only the winner may open)
    const sellerContext = await browser.newContext();
    const sellerPage = await sellerContext.newPage();
    await signIn(sellerPage, server.url, "seller", DEMO_PASSWORD);
    await sellerPage.goto(`${server.url}/auctions/${id}`);
    const yours = sellerPage.getByRole("region", { name: "Your auction" });
    await yours.getByText("Sold for €30.00. The winner has paid; the bakery has the order.").waitFor();
    expect(await sellerPage.getByRole("link", { name: /Track order/ }).count()).toBe(0);
    await screenshot(sellerPage, "auction-seller-paid");
    await Promise.all([context.close(), sellerContext.close()]);
  });

  it("a bidder who is outbid while watching is told so, instead of still being called the highest, and how it ended", async () => {
    const id = await listAuction({ title: "Outbid Opera Cake", startingPrice: 5000, buyNowPrice: 9000 });
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, "customer", DEMO_PASSWORD);
    await page.goto(`${server.url}/auctions/${id}`);
    await page.getByText("● Live bids").waitFor();
    await page.getByLabel("Your bid (€)").fill("55");
    await page.getByRole("button", { name: "Place bid" }).click();
    await page.getByText("Your bid of €55.00 is the highest.").waitFor();

    const rival = await server.api(`/auctions/${id}/bids`, {
      body: { amount: 6000 },
      token: await server.tokenFor("maker"),
    });
    expect(rival.status).toBe(201);
    await page.getByText("You have been outbid: the highest bid is now €60.00.").waitFor();
    expect(await page.getByText("Your bid of €55.00 is the highest.").count()).toBe(0);
    expect(await page.getByText("You are the highest bidder.").count()).toBe(0);
    await screenshot(page, "auction-outbid");

    // the rival buys it now: the page, without a reload, says how it ended for this bidder
    const bought = await server.api(`/auctions/${id}/bids`, {
      body: { amount: 9000 },
      token: await server.tokenFor("maker"),
    });
    expect(bought.status).toBe(201);
    await expect
      .poll(() =>
        page
          .getByTestId("your-bid-outcome")
          .textContent({ timeout: 500 })
          .catch(() => ""),
      )
      .toBe("The auction has ended: it went to another bidder for €90.00. Your highest bid was €55.00.");
    await screenshot(page, "auction-lost");
    await context.close();
  });

  it("a scheduled auction left open on screen opens for bids at its start time, without a reload", async () => {
    const id = await listAuction({ title: "Dawn Croissant Tower", startingPrice: 1500 }, 2500);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/auctions/${id}`);
    await page.getByText("Starts soon").waitFor();
    expect(await page.getByRole("heading", { name: "Place a bid" }).count()).toBe(0);
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await page.getByRole("heading", { name: "Place a bid" }).waitFor({ timeout: 10_000 });
    await page.getByText("Open for bids").waitFor();
    expect(await page.evaluate(() => "notReloaded" in window)).toBe(true);
    await context.close();
  });

  it("a winner who opens the sold auction signed out is told to sign in, then pays with the shop's checkout checks", async () => {
    const id = await wonAuction("Signed-out Sachertorte");
    // the seller and another visitor keep the auction open while the winner pays
    const sellerContext = await browser.newContext();
    const sellerPage = await sellerContext.newPage();
    await signIn(sellerPage, server.url, "seller", DEMO_PASSWORD);
    await sellerPage.goto(`${server.url}/auctions/${id}`);
    await sellerPage.getByText(/Waiting for the winner to pay/).waitFor();
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${server.url}/auctions/${id}`);
    await visitor.getByRole("heading", { name: "Won this auction?" }).waitFor();

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/auctions/${id}`);
    await page.getByRole("heading", { name: "Won this auction?" }).waitFor();
    await screenshot(page, "auction-sold-guest");
    await page.getByRole("link", { name: "Sign in to pay" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).searchParams.get("next")).toBe(`/auctions/${id}`);
    await page.getByLabel("E-mail").fill("customer@orderflow.local");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "You won — pay for your cake" }).waitFor();
    expect(await page.getByRole("heading", { name: "Won this auction?" }).count()).toBe(0);

    // the shop checkout's country list, card check and test cards
    let checkouts = 0;
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith(`/auctions/${id}/checkout`)) checkouts++;
    });
    await page.getByLabel("Street and number").fill("7 Ring Street");
    await page.getByLabel("City").fill("Vienna");
    await page.getByLabel("Postal code").fill("1010");
    await page.getByLabel("Country").selectOption("DE");
    await page.getByLabel("Card number").fill("4242 4242 4242 4241");
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByText("This card number is not valid — check for typos").waitFor();
    expect(await page.getByLabel("Card number").getAttribute("aria-invalid")).toBe("true");
    expect(checkouts).toBe(0);
    const testCards = page.getByRole("region", { name: "Test cards" });
    for (const card of ["4000 0000 0000 0002", "4000 0000 0000 9995", "4000 0000 0000 0069"])
      await testCards.getByText(card).waitFor();
    await testCards.getByText("4242 4242 4242 4242").click();
    expect(await page.getByLabel("Card number").inputValue()).toBe("4242 4242 4242 4242");
    expect(await page.getByLabel("Card number").getAttribute("aria-invalid")).toBe("false"); // the error went with it
    await screenshot(page, "auction-checkout-form");
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("link", { name: /Track order/ }).waitFor({ timeout: 15_000 });
    expect(checkouts).toBe(1);
    const paid = (await server.api(`/auctions/${id}`, { token: await server.tokenFor("customer") })).body;
    const order = await server.api(`/orders/${paid.checkout.orderId}`, { token: await server.tokenFor("customer") });
    expect(order.body.order.deliveryAddress).toMatchObject({ city: "Vienna", country: "DE" });
    // without a reload: the seller sees it paid, the visitor is no longer asked to sign in and pay
    await sellerPage.getByText("The winner has paid; the bakery has the order.").waitFor();
    await visitor.getByRole("heading", { name: "Won this auction?" }).waitFor({ state: "detached" });
    await Promise.all([context.close(), sellerContext.close(), visitorContext.close()]);
  });

  it("auction cards say how a finished auction ended, not “Ends” a date that has passed", async () => {
    const sold = await wonAuction("Card Sold Stollen");
    const cancelled = await listAuction({ title: "Card Cancelled Cannoli", startingPrice: 900 });
    const cancel = await server.api(`/auctions/${cancelled}/cancel`, { method: "POST", token: await sellerToken() });
    expect(cancel.status).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/auctions`);
    await page.getByRole("heading", { name: "Auctions" }).waitFor();
    await page.getByLabel("Status").selectOption("sold");
    const soldCard = page.locator(`[data-auction-id="${sold}"]`);
    await soldCard.getByText(/^Closed early; was to end /).waitFor();
    expect(await soldCard.getByText(/^Ends /).count()).toBe(0);
    await page.getByLabel("Status").selectOption("cancelled");
    const cancelledCard = page.locator(`[data-auction-id="${cancelled}"]`);
    await cancelledCard.locator("p.muted").getByText("Cancelled", { exact: true }).waitFor();
    expect(await cancelledCard.getByText(/^Ends /).count()).toBe(0);
    await screenshot(page, "auction-list-cancelled");
    await context.close();
  });

  it("an auction link that leads nowhere says so, links to the auctions and opens no live stream", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let streams = 0;
    page.on("request", (request) => {
      if (request.url().includes("/events")) streams++;
    });
    await page.goto(`${server.url}/auctions/nope`);
    await page.getByRole("heading", { name: "We cannot find that auction" }).waitFor();
    expect(await page.title()).toBe("Auction not found · Orderflow Bakery");
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    expect(streams).toBe(0);
    await page.getByRole("link", { name: "See all auctions" }).click();
    await page.getByRole("heading", { name: "Auctions" }).waitFor();
    await context.close();
  });
});
