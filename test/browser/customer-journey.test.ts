import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderToItem } from "../../src/application/orders/order-items.js";
import type { Order } from "../../src/domain/orders/order.js";
import { DEMO_PASSWORD, orderBody, type TestServer } from "../support/test-server.js";
import { closeShop, openShop, screenshot, signIn } from "./web-harness.js";

let server: TestServer;
let web: { url: string };
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openShop());
  web = { url: server.url };
});
afterAll(() => closeShop({ server, browser }));

/** Fills in the checkout form and pays; resolves on the confirmation page, with the order's id. */
async function placeOrder(page: import("playwright-core").Page, card: string) {
  await page.getByLabel("Full name").fill("Ada Lovelace");
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByLabel("Street and number").fill("12 Analytical Row");
  await page.getByLabel("City").fill("London");
  await page.getByLabel("Postal code").fill("N1 7AA");
  await page.getByLabel("Country").selectOption("GB");
  await page.getByLabel("Card number").fill(card);
  await page.getByRole("button", { name: /place order/ }).click();
  await page.waitForURL(/\/thanks\//);
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** Places an order that goes through, then follows the confirmation page's link to the tracking page. */
async function checkout(page: import("playwright-core").Page, card: string) {
  await placeOrder(page, card);
  await page.getByRole("heading", { name: "Thank you for your order!" }).waitFor();
  // the confirmation page follows the order: it says so when the payment is through, without a reload
  await page.getByText("Your payment went through").waitFor();
  await page.getByRole("link", { name: "Track your order" }).click();
  await page.getByRole("heading", { name: /^Order / }).waitFor();
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** How far the page is wider than the window (0 when it needs no sideways scrolling). */
const sidewaysOverflow = (page: import("playwright-core").Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe("the shop in a browser", () => {
  it("a customer orders a cake, the maker and courier act, and the customer sees each step live", async () => {
    const customer = await browser.newPage();
    await customer.goto(web.url);
    await customer.getByRole("heading", { name: "Chocolate Fudge Cake" }).waitFor();
    await screenshot(customer, "storefront");
    // Keyboard users opening the shop reach the skip link first; after a move inside the app, focus is on the
    // new page's heading (so it is announced).
    await customer.keyboard.press("Tab");
    expect(await customer.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");

    await customer.getByRole("link", { name: "Chocolate Fudge Cake" }).click();
    await customer.getByRole("heading", { name: "Chocolate Fudge Cake", level: 1 }).waitFor();
    await expect
      .poll(() =>
        customer.evaluate(() => document.activeElement?.tagName + (document.activeElement?.textContent ?? "")),
      )
      .toBe("H1Chocolate Fudge Cake");
    await screenshot(customer, "product");
    await customer.getByRole("button", { name: "Add to cart" }).click();
    await customer.getByRole("link", { name: "Go to cart" }).click();
    await customer.getByRole("heading", { name: "Your cart" }).waitFor();
    await customer.getByText("€34.50").first().waitFor();
    await screenshot(customer, "cart");
    await customer.getByRole("link", { name: "Checkout" }).click();

    // inline validation before anything is sent
    await customer.getByRole("button", { name: /place order/ }).click();
    await expect.poll(() => customer.locator("#customer\\.name-error").textContent()).toBe("Please fill this in");
    await customer.getByLabel("Card number").fill("4242 4242 4242 4241");
    await customer.getByLabel("Card number").blur();
    await customer.getByText("This card number is not valid").waitFor();
    await screenshot(customer, "checkout-errors");

    const orderId = await checkout(customer, "4242 4242 4242 4242");
    await customer.getByText("Order confirmed").waitFor();
    await customer.getByText("● Live updates").waitFor();
    await screenshot(customer, "tracking-confirmed");
    const trackingUrl = customer.url();

    // the maker bakes it in another window
    const maker = await browser.newPage();
    await signIn(maker, web.url, "maker", DEMO_PASSWORD);
    const card = maker.locator(`[data-order-id="${orderId}"]`);
    await card.getByText("1 ×").waitFor();
    await screenshot(maker, "maker-console");
    await card.getByRole("button", { name: /Mark baked/ }).click();
    await maker.getByText(`Order ${orderId}: done.`).waitFor();

    // the customer's page updates by itself
    await customer.getByText("Baked and boxed").waitFor();
    await customer.getByText("Out for delivery").first().waitFor();

    const courier = await browser.newPage();
    await signIn(courier, web.url, "courier", DEMO_PASSWORD);
    const delivery = courier.locator(`[data-order-id="${orderId}"]`);
    await delivery.waitFor();
    await screenshot(courier, "courier-console");
    await delivery.getByRole("button", { name: /Mark delivered/ }).click();
    await courier.getByText(`Order ${orderId}: done.`).waitFor();

    await customer.getByRole("listitem").filter({ hasText: "Delivered" }).first().waitFor();
    expect(customer.url()).toBe(trackingUrl); // never reloaded
    const labels = await customer.locator(".timeline__label").allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining(["Order confirmed", "Baked and boxed", "Out for delivery", "Delivered"]),
    );

    // the receipt downloads as a PDF
    const [download] = await Promise.all([
      customer.waitForEvent("download"),
      customer.getByRole("link", { name: "Download receipt (PDF)" }).click(),
    ]);
    const pdf = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of pdf) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe("%PDF-");

    await customer.getByRole("radio", { name: "4 stars" }).check({ force: true });
    await customer.getByLabel("Comment (optional)").fill("Gorgeous and still warm");
    await customer.getByRole("button", { name: "Send feedback" }).click();
    await customer.getByText("You rated this order 4 of 5.").waitFor();
    await customer.getByText("Thanks for your feedback").waitFor();
    await screenshot(customer, "tracking-reviewed");

    const stored = await server.api(`/orders/${orderId}`, { token: await server.tokenFor("admin") });
    expect(stored.body.order).toMatchObject({ status: "reviewed", feedback: { rating: 4 } });
    await Promise.all([maker.close(), courier.close(), customer.close()]);
  });

  it("a declined card shows the failure and its advice on the confirmation page; trying again keeps what was typed", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // phone width
    await page.goto(`${web.url}/cakes/lemon-drizzle-cake`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.goto(`${web.url}/checkout`);
    // a field the API rejects (too long a postal code) shows the API's message next to that field
    await page.getByLabel("Full name").fill("Ada Lovelace");
    await page.getByLabel("E-mail").fill("ada@example.com");
    await page.getByLabel("Street and number").fill("12 Analytical Row");
    await page.getByLabel("City").fill("London");
    await page.getByLabel("Postal code").fill("N1 7AA N1 7AA N1 7AA N1 7AA");
    await page.getByText("4000 0000 0000 0002").click(); // fills the card from the test-card list
    await page.getByRole("button", { name: /place order/ }).click();
    const postalError = page.locator("#deliveryAddress\\.postalCode-error");
    await expect.poll(() => postalError.textContent()).toMatch(/\S/);
    expect(await page.getByLabel("Postal code").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "checkout-api-error-phone");
    const orderId = await placeOrder(page, "4000 0000 0000 0002");

    // the confirmation page follows the order until the payment fails, and says what to do
    const alert = page.getByRole("alert").filter({ hasText: "We could not take this order" });
    await alert.waitFor();
    await expect.poll(() => alert.textContent()).toContain("Your card was declined");
    await expect.poll(() => alert.textContent()).toContain("Nothing was charged");
    await page.getByRole("heading", { name: "Your order did not go through", level: 1 }).waitFor();
    expect(await page.getByText("Thank you for your order!").count()).toBe(0);
    expect(await page.getByText("We are checking your payment").count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe(`/thanks/${orderId}`);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0); // the long order number wraps
    await screenshot(page, "confirmation-declined-phone");
    await server.idle();
    const order = await server.api(`/orders/${orderId}`, { token: await server.tokenFor("admin") });
    expect(order.body.order.status).toBe("failed");
    const types = order.body.timeline.map((e: { type: string }) => e.type);
    expect(types).not.toContain("payment_charged");

    // back to the cart and checkout: everything typed is still there but the card
    await alert.getByRole("button", { name: "Put these cakes back in my cart" }).click();
    await page.getByRole("heading", { name: "Your cart" }).waitFor();
    await page.getByRole("link", { name: "Checkout" }).click();
    await page.getByRole("heading", { name: "Checkout" }).waitFor();
    expect(await page.getByLabel("Full name").inputValue()).toBe("Ada Lovelace");
    expect(await page.getByLabel("E-mail").inputValue()).toBe("ada@example.com");
    expect(await page.getByLabel("Street and number").inputValue()).toBe("12 Analytical Row");
    expect(await page.getByLabel("City").inputValue()).toBe("London");
    expect(await page.getByLabel("Postal code").inputValue()).toBe("N1 7AA");
    expect(await page.getByLabel("Country").inputValue()).toBe("GB");
    expect(await page.getByLabel("Card number").inputValue()).toBe("");
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain("0002");
    await page.getByText("4242 4242 4242 4242").click();
    await page.getByRole("button", { name: /place order/ }).click();
    await page.getByText("Your payment went through").waitFor();
    await page.close();
  });

  it("after a declined card, “Pay with another card” goes straight back to checkout with the cakes", async () => {
    const placed = await server.api("/orders", {
      body: orderBody({
        items: [{ productId: "tarte-au-citron", quantity: 2 }],
        payment: { card: "4000 0000 0000 0002" },
      }),
    });
    const page = await browser.newPage();
    await page.goto(`${web.url}/thanks/${placed.body.order.id}?token=${encodeURIComponent(placed.body.trackingToken)}`);
    await page.getByRole("button", { name: "Pay with another card" }).click();
    await page.getByRole("heading", { name: "Checkout" }).waitFor();
    await page.getByRole("region", { name: "Your order" }).getByText("2 × Tarte au Citron").waitFor();
    await page.close();
  });

  it("on a phone, checkout lists what is bought and has the test cards before the Pay button; the thank-you page fits", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${web.url}/cakes/tarte-au-citron`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("link", { name: "Go to cart" }).click();
    await page.getByRole("link", { name: "Checkout" }).click();
    const summary = page.getByRole("region", { name: "Your order" });
    await summary.getByText("1 × Tarte au Citron").waitFor();
    const price = (await summary.locator(".summary__total strong").textContent()) ?? "";
    expect(price).toMatch(/^€\d/);
    const pay = page.getByRole("button", { name: `Pay ${price} and place order` });
    const testCards = page.getByRole("region", { name: "Test cards" });
    const [cardsBox, payBox, cardBox] = await Promise.all([
      testCards.boundingBox(),
      pay.boundingBox(),
      page.getByLabel("Card number").boundingBox(),
    ]);
    expect(cardsBox && payBox && cardBox).toBeTruthy();
    expect(cardsBox!.y).toBeLessThan(payBox!.y);
    expect(cardsBox!.y).toBeGreaterThan(cardBox!.y); // right after the card field
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "checkout-phone");
    await testCards.getByText("4242 4242 4242 4242").click();
    expect(await page.getByLabel("Card number").inputValue()).toBe("4242 4242 4242 4242");
    await placeOrder(page, "4242 4242 4242 4242");
    await page.getByText("Your payment went through").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "confirmation-phone");
    await page.close();
  });

  it("quantity boxes can be emptied and retyped: typing 3 gives 3, not 13", async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/cakes/red-velvet-cake`);
    const box = page.getByLabel("Quantity");
    await box.fill("");
    expect(await box.inputValue()).toBe(""); // an emptied box stays empty while typing
    await box.pressSequentially("3");
    expect(await box.inputValue()).toBe("3");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added 3 to your cart.").waitFor();
    await expect.poll(() => page.locator(".cart-count").textContent()).toBe("3");
    // left empty, the box settles back on the last quantity; more than the shop has (10) is capped
    await box.fill("");
    await box.blur();
    expect(await box.inputValue()).toBe("3");
    await box.fill("500");
    await box.blur();
    expect(await box.inputValue()).toBe("10");

    await page.getByRole("link", { name: "Go to cart" }).click();
    const line = page.getByLabel("Quantity of Red Velvet Cake");
    await line.fill("");
    expect(await line.inputValue()).toBe("");
    await line.pressSequentially("2");
    expect(await line.inputValue()).toBe("2");
    await expect.poll(() => page.locator(".cart-count").textContent()).toBe("2");
    await line.fill("");
    await line.blur();
    expect(await line.inputValue()).toBe("2");
    await page.getByRole("link", { name: "Checkout" }).click();
    await page.getByRole("region", { name: "Your order" }).getByText("2 × Red Velvet Cake").waitFor();
    await page.close();
  });

  it("adding a cake from the storefront says so in a live region", async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    const card = page
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "Strawberry Shortcake" }) });
    const added = card.getByRole("status");
    expect(await added.textContent()).toBe("");
    await card.getByRole("button", { name: "Add Strawberry Shortcake to cart" }).click();
    await expect.poll(() => added.textContent()).toBe("Added: 1 in your cart. Go to cart");
    await card.getByRole("button", { name: "Add Strawberry Shortcake to cart" }).click();
    await expect.poll(() => added.textContent()).toBe("Added: 2 in your cart. Go to cart");
    await page.close();
  });

  it("a cake link that leads nowhere says so and links back to the cakes, with nothing to retry", async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/cakes/nope`);
    await page.getByRole("heading", { name: "We do not have that cake" }).waitFor();
    expect(await page.title()).toBe("Cake not found · Orderflow Bakery");
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    await page.getByRole("link", { name: "See all our cakes" }).click();
    await page.getByRole("heading", { name: "Cakes baked to order" }).waitFor();
    await page.close();
  });

  it("“Forgot your password?” keeps the e-mail typed on the sign-in page", async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/sign-in`);
    await page.getByLabel("E-mail").fill("ada@example.com");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    expect(await page.getByLabel("E-mail").inputValue()).toBe("ada@example.com");
    await page.close();
  });

  it("paying again after the answer to the first payment was lost places one order, not two", async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/cakes/carrot-cake`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.goto(`${web.url}/checkout`);
    const email = "lost-answer@example.com";
    let lost = 0;
    // The first POST /orders reaches the server and is answered, but the answer never reaches the page.
    await page.route("**/orders", async (route) => {
      if (route.request().method() !== "POST" || lost > 0) return route.continue();
      lost++;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByLabel("Full name").fill("Ada Lovelace");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Street and number").fill("12 Analytical Row");
    await page.getByLabel("City").fill("London");
    await page.getByLabel("Postal code").fill("N1 7AA");
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByRole("button", { name: /place order/ }).click();
    await page.getByText(/could not reach the bakery/).waitFor();
    await page.getByRole("button", { name: /place order/ }).click();
    await page.getByRole("heading", { name: "Thank you for your order!" }).waitFor();
    expect(lost).toBe(1);
    const all = await server.api("/orders?limit=100", { token: await server.tokenFor("admin") });
    expect(
      all.body.items.filter((order: { customer: { email: string } }) => order.customer.email === email),
    ).toHaveLength(1);
    await page.close();
  });

  it("staff opening an order from the back office download its receipt with their session, not a tracking token", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const orderId: string = placed.body.order.id;
    await server.idle();
    const context = await browser.newContext(); // another browser: no tracking token stored
    const page = await context.newPage();
    await signIn(page, web.url, "admin", DEMO_PASSWORD);
    await page.getByRole("link", { name: orderId }).click();
    await page.getByRole("heading", { name: `Order ${orderId}` }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download receipt (PDF)" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`receipt-${orderId}.pdf`);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe("%PDF-");
    await context.close();
  });

  it.each([
    ["OrderRejectedError", "change what we cannot supply"],
    ["PaymentDeclinedError", "try again with another card"],
  ])("an order failed before failure codes were recorded (%s) still gets its advice", async (error, advice) => {
    // As stored then: no failureCode; which error it failed with is only in its order_failed event.
    const now = new Date().toISOString();
    const price = { amount: 3450, currency: "EUR" };
    const order: Order = {
      id: `ord_legacy_${error}`,
      status: "failed",
      customer: { name: "Ada Lovelace", email: "ada@example.com" },
      deliveryAddress: { line1: "12 Analytical Row", city: "London", postalCode: "N1 7AA", country: "GB" },
      lines: [
        {
          productId: "chocolate-fudge-cake",
          name: "Chocolate Fudge Cake",
          quantity: 1,
          unitPrice: price,
          lineTotal: price,
        },
      ],
      total: price,
      paymentLast4: "0002",
      trackingToken: `legacy-${error}`,
      failureReason: "It did not work out",
      createdAt: now,
      updatedAt: now,
    };
    await server.runtime.store.transact(
      [{ op: "put", item: orderToItem(order) }],
      [
        {
          id: `evt_legacy_${error}`,
          type: "order_failed",
          key: order.id,
          at: now,
          data: { reason: order.failureReason, error },
        },
      ],
    );
    const page = await browser.newPage();
    await page.goto(`${web.url}/orders/${order.id}?token=${order.trackingToken}`);
    const alert = page.getByRole("alert").filter({ hasText: "We could not take this order" });
    await alert.getByText("It did not work out").waitFor();
    await expect.poll(() => alert.textContent()).toContain(advice);
    await page.close();
  });

  it("an order that failed for want of stock says so and puts the cakes back in the cart, capped at the stock", async () => {
    const admin = await server.tokenFor("admin");
    await server.api("/products/black-forest-gateau/stock", { method: "PUT", token: admin, body: { stock: 2 } });
    const placed = await server.api("/orders", {
      body: orderBody({ items: [{ productId: "black-forest-gateau", quantity: 3 }] }),
    });
    const orderId: string = placed.body.order.id;
    await server.idle();
    const page = await browser.newPage();
    await page.goto(`${web.url}/orders/${orderId}?token=${encodeURIComponent(placed.body.trackingToken)}`);
    const alert = page.getByRole("alert").filter({ hasText: "We could not take this order" });
    await alert.getByText("Only 2 × Black Forest Gâteau left").waitFor();
    expect(await alert.textContent()).toContain("change what we cannot supply");
    expect(await alert.textContent()).not.toContain("another card");
    await screenshot(page, "tracking-out-of-stock");

    await alert.getByRole("button", { name: "Put these cakes back in my cart" }).click();
    await page.getByRole("heading", { name: "Your cart" }).waitFor();
    const quantity = page.getByLabel("Quantity of Black Forest Gâteau");
    expect(await quantity.inputValue()).toBe("3");
    expect(await quantity.getAttribute("max")).toBe("2");
    expect(await quantity.getAttribute("aria-invalid")).toBe("true");
    await page.getByText("Only 2 left — lower the quantity to check out").waitFor();
    expect(await page.getByRole("link", { name: "Checkout" }).count()).toBe(0);
    await screenshot(page, "cart-over-stock");
    await quantity.fill("2");
    await page.getByRole("link", { name: "Checkout" }).click();
    await page.getByRole("button", { name: "Pay €76.00 and place order" }).waitFor();
    await page.close();
  });

  it("a cart line for a product no longer sold is dropped, so the count is right and checkout works", async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    await page.getByRole("heading", { name: "Victoria Sponge" }).waitFor(); // the cart has been read and written
    await page.evaluate(() =>
      localStorage.setItem(
        "orderflow.cart",
        JSON.stringify([
          { productId: "discontinued-cake", quantity: 2 },
          { productId: "victoria-sponge", quantity: 1 },
        ]),
      ),
    );
    await page.goto(`${web.url}/cart`);
    await page.getByLabel("Quantity of Victoria Sponge").waitFor();
    await expect.poll(() => page.locator(".cart-count").textContent()).toBe("1");
    expect(await page.locator(".cart-line").count()).toBe(1);
    await page.getByRole("link", { name: "Checkout" }).click();
    const orderId = await checkout(page, "4242 4242 4242 4242");
    await server.idle();
    const order = await server.api(`/orders/${orderId}`, { token: await server.tokenFor("admin") });
    expect(order.body.order.lines).toEqual([expect.objectContaining({ productId: "victoria-sponge", quantity: 1 })]);
    await page.close();
  });

  it("an order that is not there, or not yours, is not retried and says how to reach it", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    const page = await browser.newPage();
    let streams = 0;
    page.on("request", (request) => {
      if (request.url().endsWith("/events")) streams++;
    });
    await page.goto(`${web.url}/orders/${placed.body.order.id}`); // without its tracking token
    await page.getByRole("heading", { name: `We cannot show order ${placed.body.order.id}` }).waitFor();
    await page.getByText("tracking link in your order confirmation e-mail").waitFor();
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    expect(await page.title()).toBe("Order not found · Orderflow Bakery");
    await page.waitForTimeout(3500); // the stream used to be retried every 1.5 s
    expect(streams).toBe(1);
    await page.goto(`${web.url}/thanks/does-not-exist`);
    await page.getByRole("heading", { name: "We cannot show order does-not-exist" }).waitFor();
    expect(await page.getByText("Thank you for your order!").count()).toBe(0);
    await page.close();
  });
});
