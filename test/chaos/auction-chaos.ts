import type { SqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { minimumIncrement } from "../../src/domain/auctions/auction-rules.js";
import { DEMO_PASSWORD } from "../support/test-server.js";

/** The chaos run's HTTP call: status 0 when the server did not answer (outcome unknown). */
export type ChaosCall = (path: string, init?: RequestInit) => Promise<{ status: number; body: any }>;

export interface AuctionChaosReport {
  auctions: number;
  auctionsByStatus: Record<string, number>;
  /** Per auction, how long after its end it closed (long ones closed after a restart). */
  closeLagMs: number[];
  bidsAcknowledged: number;
  bidsRefused: number;
  bidsUnanswered: number;
  bidsStored: number;
  checkoutsRequested: number;
  checkoutsPaid: number;
  checkoutsFailed: number;
  checkoutsLapsed: number;
  checkoutsRefunded: number;
  /** Acknowledged (201) bids missing from the store, or stored differently from what the client was told. */
  lostBids: string[];
  /** More than one stored bid for one Idempotency-Key. */
  duplicateBids: string[];
  /** Stored bids no client request accounts for, or whose request was answered with a refusal. */
  unexpectedBids: string[];
  /**
   * Stored bids not raising by at least the minimum increment, or placed at or after the end; or an auction
   * whose bid count or highest bid disagrees with its stored bids.
   */
  bidRuleViolations: string[];
  /** Auctions still active after their end time. */
  openPastEnd: string[];
  /** An auction with more than one unrefunded checkout charge, or a charge under no known checkout. */
  duplicateCheckoutCharges: string[];
  /** A failed, lapsed or superseded checkout whose charge was not refunded. */
  unrefundedCheckouts: string[];
  /** A paid checkout without exactly one order, its charge missing or refunded; an order for an unpaid auction. */
  checkoutOrderProblems: string[];
  /** A checkout still requested/reserved once the queues drained. */
  stuckCheckouts: string[];
}

interface BidAttempt {
  auctionId: string;
  bidder: number;
  amount: number;
  outcome: "acknowledged" | "refused" | "unanswered";
  bidId?: string;
}

interface ChaosAuction {
  id: string;
  endsAt: number;
  /** The lowest next bid as last seen. */
  minimum: number;
  /** Paid, or closed without a winner to pay: no more checkout attempts. */
  settled: boolean;
  checkouts: number;
}

const AUCTIONS = 4;
const BIDDERS = 5;
const BIDDER_PASSWORD = "chaos-bidder-password";
const GOOD_CARD = "4242424242424242";
const DECLINED_CARD = "4000000000000002";
const ADDRESS = { line1: "1 Chaos Street", city: "Utrecht", postalCode: "3511 AA", country: "NL" };

/**
 * The auction part of the chaos run: a seller lists a few auctions ending during the run (some close
 * while the server is up, some while it is down), bidders bid with Idempotency-Keys and retry unanswered
 * requests with the same key and body, and each winner checks out and keeps polling and retrying until
 * paid, as a real client would. `checkAuctions` then compares what bidders were told with the database.
 */
export function auctionChaos(call: ChaosCall) {
  const tokens: string[] = [];
  const userIds: string[] = [];
  const auctions: ChaosAuction[] = [];
  const attempts = new Map<string, BidAttempt>(); // idempotency key → request and its answer
  const attempted = new Map<string, string>(); // `${auctionId}:${amount}` → idempotency key
  const json = (token: string | undefined, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });

  /** Bidders sign up, then the seller lists auctions ending between 20% and 70% of `runMs` from now. */
  async function setup(runMs: number) {
    await Promise.all(
      Array.from({ length: BIDDERS }, async (_, i) => {
        const email = `chaos-bidder${i}@example.com`;
        await call("/auth/sign-up", json(undefined, { email, password: BIDDER_PASSWORD, name: `Chaos bidder ${i}` }));
        const signIn = await call("/auth/sign-in", json(undefined, { email, password: BIDDER_PASSWORD }));
        if (!signIn.body?.token) throw new Error(`bidder ${i} could not sign in: ${signIn.status}`);
        tokens[i] = signIn.body.token;
        userIds[i] = signIn.body.user.id;
      }),
    );
    const seller = await call(
      "/auth/sign-in",
      json(undefined, { email: "seller@orderflow.local", password: DEMO_PASSWORD }),
    );
    const now = Date.now();
    for (let i = 0; i < AUCTIONS; i++) {
      const endsAt = now + runMs * (0.2 + (0.5 * i) / (AUCTIONS - 1));
      const created = await call(
        "/auctions",
        json(seller.body.token, {
          title: `Chaos cake ${i}`,
          description: "Kill -9 and flaky payments included",
          startingPrice: 1000,
          // An auction lasts at least a minute: it started a minute ago.
          startsAt: new Date(endsAt - 61_000).toISOString(),
          endsAt: new Date(endsAt).toISOString(),
        }),
      );
      if (created.status !== 201) throw new Error(`creating auction ${i} answered ${created.status}`);
      auctions.push({
        id: created.body.id,
        endsAt: Date.parse(created.body.endsAt),
        minimum: 1000,
        settled: false,
        checkouts: 0,
      });
    }
  }

  /** One client iteration: bid on an open auction, or move a closed one's winner on through checkout. */
  async function iteration(n: number) {
    const open = auctions.filter((auction) => auction.endsAt > Date.now());
    const closed = auctions.filter((auction) => auction.endsAt <= Date.now() && !auction.settled);
    if (closed.length > 0 && (open.length === 0 || Math.random() < 0.3)) return checkout(n, closed[n % closed.length]!);
    if (open.length > 0) return bid(n, open[n % open.length]!);
  }

  async function bid(n: number, auction: ChaosAuction) {
    const bidder = n % BIDDERS;
    // Amounts are unique per auction, so every stored bid points at the one request that sent it.
    let amount = auction.minimum + (n % 7) * 10;
    while (attempted.has(`${auction.id}:${amount}`)) amount++;
    const key = `chaos-bid-${n}`;
    attempted.set(`${auction.id}:${amount}`, key);
    const attempt: BidAttempt = { auctionId: auction.id, bidder, amount, outcome: "unanswered" };
    attempts.set(key, attempt);
    // Retry with the same key and body until the server answers: a client that saw no answer cannot know.
    for (let tries = 0; tries < 3; tries++) {
      const placed = await call(
        `/auctions/${auction.id}/bids`,
        json(tokens[bidder], { amount }, { "idempotency-key": key }),
      );
      if (placed.status === 201) {
        attempt.outcome = "acknowledged";
        attempt.bidId = placed.body.bid.id;
        auction.minimum = Math.max(auction.minimum, placed.body.auction.minimumBid);
        return;
      }
      if (placed.status >= 400 && placed.status < 500) {
        attempt.outcome = "refused";
        const minimum = placed.body?.error?.details?.minimumBid;
        if (typeof minimum === "number") auction.minimum = Math.max(auction.minimum, minimum);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The winner of a closed auction checks out, polls, and tries again after a failure. */
  async function checkout(n: number, auction: ChaosAuction) {
    const view = await call(`/auctions/${auction.id}`);
    if (view.status !== 200 || view.body.status === "active") return; // down, or not closed yet
    if (view.body.status !== "sold") {
      auction.settled = true; // unsold (no bids, or the winner lapsed)
      return;
    }
    const key = attempted.get(`${auction.id}:${view.body.highestBid.amount}`);
    const winner = key === undefined ? undefined : attempts.get(key)?.bidder;
    if (winner === undefined) return;
    const mine = await call(`/auctions/${auction.id}`, { headers: { authorization: `Bearer ${tokens[winner]}` } });
    const state = mine.body?.checkout?.state;
    if (state === "paid") auction.settled = true;
    if (mine.status !== 200 || (state !== undefined && state !== "failed")) return; // running: keep polling
    // Some winners try a declined card first, so failed checkouts are tried again.
    const card = auction.checkouts++ === 0 && n % 3 === 0 ? DECLINED_CARD : GOOD_CARD;
    const started = await call(
      `/auctions/${auction.id}/checkout`,
      json(tokens[winner], { deliveryAddress: ADDRESS, payment: { card } }),
    );
    if (started.status === 403 || started.body?.error?.code === "CHECKOUT_EXPIRED") auction.settled = true;
  }

  return { setup, iteration, auctions, attempts, userIds, ready: () => auctions.length === AUCTIONS };
}

type ChaosAuctionState = ReturnType<typeof auctionChaos>;
type Row = { data: string };

/** Reads the auctions, bids, checkout charges and orders back from the database after the run. */
export function checkAuctions(db: SqliteDatabase, chaos: ChaosAuctionState, stoppedAt: number): AuctionChaosReport {
  const item = db.prepare<[string, string], Row>("SELECT data FROM items WHERE pk = ? AND sk = ?");
  const bidsOf = db.prepare<[string], Row>("SELECT data FROM items WHERE pk = ? AND sk LIKE 'BID#%' ORDER BY sk");
  const closedEvent = db.prepare<[string, string], { at: string }>(
    "SELECT at FROM outbox WHERE key = ? AND type = ? ORDER BY seq LIMIT 1",
  );
  const eventsOf = db.prepare<[string, string], Row>("SELECT data FROM outbox WHERE key = ? AND type = ? ORDER BY seq");
  const orders = db
    .prepare<[], Row>("SELECT data FROM items WHERE sk = 'ORDER'")
    .all()
    .map((row) => JSON.parse(row.data) as { id: string; lines: Array<{ productId: string }> });
  const get = (pk: string, sk: string) => {
    const row = item.get(pk, sk);
    return row ? (JSON.parse(row.data) as Record<string, any>) : undefined;
  };
  const attemptsByAmount = new Map<string, [string, BidAttempt]>();
  for (const [key, attempt] of chaos.attempts)
    attemptsByAmount.set(`${attempt.auctionId}:${attempt.amount}`, [key, attempt]);
  const answers = [...chaos.attempts.values()];
  const report: AuctionChaosReport = {
    auctions: chaos.auctions.length,
    auctionsByStatus: {},
    closeLagMs: [],
    bidsAcknowledged: answers.filter((a) => a.outcome === "acknowledged").length,
    bidsRefused: answers.filter((a) => a.outcome === "refused").length,
    bidsUnanswered: answers.filter((a) => a.outcome === "unanswered").length,
    bidsStored: 0,
    checkoutsRequested: 0,
    checkoutsPaid: 0,
    checkoutsFailed: 0,
    checkoutsLapsed: 0,
    checkoutsRefunded: 0,
    lostBids: [],
    duplicateBids: [],
    unexpectedBids: [],
    bidRuleViolations: [],
    openPastEnd: [],
    duplicateCheckoutCharges: [],
    unrefundedCheckouts: [],
    checkoutOrderProblems: [],
    stuckCheckouts: [],
  };
  const knownCheckouts = new Set<string>();

  for (const { id } of chaos.auctions) {
    const auction = get(`AUCTION#${id}`, "AUCTION");
    if (!auction) {
      report.bidRuleViolations.push(`${id}: auction missing`);
      continue;
    }
    report.auctionsByStatus[auction.status] = (report.auctionsByStatus[auction.status] ?? 0) + 1;
    if (auction.status === "active" && Date.parse(auction.endsAt) <= stoppedAt) report.openPastEnd.push(id);
    const closedAt = closedEvent.get(id, "auction_closed")?.at;
    if (closedAt) report.closeLagMs.push(Date.parse(closedAt) - Date.parse(auction.endsAt));

    // Bids: strictly increasing by at least the minimum increment, none at or after the end.
    const bids = bidsOf.all(`AUCTION#${id}`).map((row) => JSON.parse(row.data) as Record<string, any>);
    report.bidsStored += bids.length;
    bids.forEach((bid, i) => {
      const previous = bids[i - 1];
      const minimum = previous ? previous.amount + minimumIncrement(previous.amount) : auction.startingPrice;
      if (bid.amount < minimum) report.bidRuleViolations.push(`${id}: bid ${bid.id} of ${bid.amount} below ${minimum}`);
      if (bid.at >= auction.endsAt) report.bidRuleViolations.push(`${id}: bid ${bid.id} at ${bid.at}, after the end`);
    });
    if (auction.bidCount !== bids.length)
      report.bidRuleViolations.push(`${id}: bidCount ${auction.bidCount} but ${bids.length} bids stored`);
    if (auction.highestBid?.id !== bids.at(-1)?.id)
      report.bidRuleViolations.push(`${id}: highest bid ${auction.highestBid?.id} is not the last stored bid`);

    // Each stored bid belongs to exactly one request (amounts were unique per auction); none to a refused one.
    const perKey = new Map<string, number>();
    for (const bid of bids) {
      const match = attemptsByAmount.get(`${id}:${bid.amount}`);
      const attempt = match?.[1];
      if (!match || !attempt || chaos.userIds[attempt.bidder] !== bid.bidderId) {
        report.unexpectedBids.push(`${id}: ${bid.id} (${bid.amount}) matches no request`);
        continue;
      }
      perKey.set(match[0], (perKey.get(match[0]) ?? 0) + 1);
      if (attempt.outcome === "refused")
        report.unexpectedBids.push(`${id}: ${bid.id} (${bid.amount}) stored, but its request ${match[0]} was refused`);
    }
    for (const [key, count] of perKey) if (count > 1) report.duplicateBids.push(`${id}: ${count} bids for key ${key}`);
    for (const [key, attempt] of chaos.attempts) {
      if (attempt.auctionId !== id || attempt.outcome !== "acknowledged") continue;
      const stored = bids.find((bid) => bid.id === attempt.bidId);
      if (!stored) report.lostBids.push(`${id}: ${attempt.bidId} (${attempt.amount}, key ${key}) not stored`);
      else if (stored.amount !== attempt.amount || stored.bidderId !== chaos.userIds[attempt.bidder])
        report.lostBids.push(`${id}: ${attempt.bidId} stored differently from its acknowledgement (key ${key})`);
    }

    // Checkouts: every attempt is in the outbox (auction_checkout_requested); its charge key is auction-<checkout id>.
    const checkoutIds = [
      ...new Set(eventsOf.all(id, "auction_checkout_requested").map((row) => String(JSON.parse(row.data).checkoutId))),
    ];
    report.checkoutsRequested += checkoutIds.length;
    report.checkoutsFailed += new Set(
      eventsOf.all(id, "auction_checkout_failed").map((row) => String(JSON.parse(row.data).checkoutId)),
    ).size;
    if (eventsOf.all(id, "auction_checkout_lapsed").length > 0) report.checkoutsLapsed++;
    const latest = auction.checkout as Record<string, any> | undefined;
    const paidId = latest?.state === "paid" ? String(latest.id) : undefined;
    if (paidId) report.checkoutsPaid++;
    if (latest && (latest.state === "requested" || latest.state === "reserved"))
      report.stuckCheckouts.push(`${id}: checkout ${latest.id} ${latest.state}`);
    let unrefunded = 0;
    for (const checkoutId of checkoutIds) {
      knownCheckouts.add(checkoutId);
      const charge = get(`PAYMENT#auction-${checkoutId}`, "CHARGE");
      const refund = get(`PAYMENT#auction-${checkoutId}`, "REFUND");
      if (charge && !refund) unrefunded++;
      if (refund) report.checkoutsRefunded++;
      const running = checkoutId === latest?.id && (latest.state === "requested" || latest.state === "reserved");
      if (checkoutId !== paidId && !running && charge && !refund)
        report.unrefundedCheckouts.push(`${id}: checkout ${checkoutId} charged ${charge.chargeId}, not refunded`);
      if (checkoutId === paidId) {
        if (!charge) report.checkoutOrderProblems.push(`${id}: paid checkout ${checkoutId} has no charge`);
        else if (charge.chargeId !== latest?.chargeId)
          report.checkoutOrderProblems.push(`${id}: paid with ${latest?.chargeId}, charged ${charge.chargeId}`);
        if (refund) report.checkoutOrderProblems.push(`${id}: paid checkout ${checkoutId} was refunded`);
      }
    }
    if (unrefunded > 1) report.duplicateCheckoutCharges.push(`${id}: ${unrefunded} unrefunded charges`);
    const auctionOrders = orders.filter((order) => order.lines.some((line) => line.productId === `auction:${id}`));
    if (paidId && (auctionOrders.length !== 1 || auctionOrders[0]?.id !== latest?.orderId))
      report.checkoutOrderProblems.push(
        `${id}: paid checkout ${paidId} (order ${latest?.orderId}) has orders [${auctionOrders.map((o) => o.id)}]`,
      );
    if (!paidId && auctionOrders.length > 0)
      report.checkoutOrderProblems.push(`${id}: unpaid, but orders [${auctionOrders.map((o) => o.id)}]`);
  }

  // A checkout charge under no checkout the outbox knows of would be a charge nobody can refund.
  const checkoutCharges = db
    .prepare<[], { pk: string }>("SELECT pk FROM items WHERE pk LIKE 'PAYMENT#auction-%' AND sk = 'CHARGE'")
    .all();
  for (const { pk } of checkoutCharges) {
    const checkoutId = pk.slice("PAYMENT#auction-".length);
    if (!knownCheckouts.has(checkoutId))
      report.duplicateCheckoutCharges.push(`charge for unknown checkout ${checkoutId}`);
  }
  return report;
}

/** Orders created by an auction checkout: charged under the checkout's key, not `order-<id>`. */
export function auctionOrderChargeKey(order: { id: string; lines: Array<{ productId: string }> }): string | undefined {
  if (!order.lines.some((line) => line.productId.startsWith("auction:"))) return undefined;
  return `PAYMENT#auction-chk_${order.id.slice("ord_".length)}`;
}
