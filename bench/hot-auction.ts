import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { BidRejectedError, minimumIncrement } from "../src/domain/auctions/auction-rules.js";
import type { Actor } from "../src/domain/shared/actor.js";
import { composeLocalRuntime } from "../src/runtime/local/compose.js";
import { loadConfig } from "../src/runtime/local/config.js";

const BIDDERS = 50;
/** Bids stop at 1,000,000.00 (the schema's cap); past ROTATE_AT a fresh auction takes over. */
const MAX_BID = 100_000_000;
const ROTATE_AT = 50_000_000;

/** The minimum next bid as last seen, plus a little (so bidders differ), within the cap. */
const nextAmount = (seen: number, n: number) =>
  Math.min(MAX_BID, seen === 0 ? 100 + (n % 50) : seen + minimumIncrement(seen) + (n % 50));

interface Session {
  url: string;
  // biome-ignore lint/suspicious/noExplicitAny: bench client of many response shapes, read as the API documents them
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }>;
}

function session(url: string): Session {
  return {
    url,
    async post(path, body, token) {
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
  };
}

async function createAuction(api: Session, seller: string): Promise<{ id: string; endsAt: string }> {
  const now = Date.now();
  const created = await api.post(
    "/auctions",
    {
      title: `Hot auction ${now}`,
      description: "Benchmark: everyone wants this cake",
      startingPrice: 100,
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    },
    seller,
  );
  if (created.status !== 201) throw new Error(`creating the auction answered ${created.status}`);
  return { id: created.body.id, endsAt: created.body.endsAt };
}

/**
 * Hot auction: many bidders bid on one auction as fast as they can, each bidding the minimum next bid
 * as last seen (plus a little), so most attempts race for the same slot. When an auction nears the
 * price cap a fresh one takes over. The session signs the bidders up once; each `race` is one round of
 * the load (the bench alternates rounds with the baseline), and `check` reads the stored bids of every
 * auction raced on against the rules.
 */
export async function hotAuctionSession(url: string, dataDir: string, password: string) {
  const api = session(url);
  const seller = (await api.post("/auth/sign-in", { email: "seller@orderflow.local", password })).body.token;
  const tokens: string[] = [];
  for (let i = 0; i < BIDDERS; i++) {
    const email = `bidder${i}-${Date.now()}@example.com`;
    await api.post("/auth/sign-up", { email, password: "bench-bidder-password", name: `Bidder ${i}` });
    tokens.push((await api.post("/auth/sign-in", { email, password: "bench-bidder-password" })).body.token);
  }
  const auctions = [await createAuction(api, seller)];
  let current = auctions[0]!;
  let highest = 0;
  let rotating = false;
  let next = 0;

  const race = async (seconds: number) => {
    const statuses = new Map<number, number>();
    const result = await autocannon({
      url,
      connections: 64,
      duration: seconds,
      requests: [
        {
          method: "POST",
          path: `/auctions/${current.id}/bids`,
          setupRequest: (request, context) => {
            const amount = nextAmount(highest, next);
            const token = tokens[next++ % tokens.length];
            // One request in flight per connection: its answer is about this auction.
            (context as { auction?: unknown }).auction = current;
            return {
              ...request,
              path: `/auctions/${current.id}/bids`,
              headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
              body: JSON.stringify({ amount }),
            };
          },
          onResponse: (status, body, context) => {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            const answer = JSON.parse(body) as {
              auction?: { id: string; highestBid?: { amount: number } };
              error?: { details?: { currentHighest?: number | null } };
            };
            // Accepted bids and refusals both tell the bidders the current highest amount.
            const seen = answer.auction?.highestBid?.amount ?? answer.error?.details?.currentHighest ?? 0;
            // Answers about an auction already left behind would send the bidders (and the rotation) back to it.
            if ((context as { auction?: unknown }).auction !== current) return;
            highest = Math.max(highest, seen);
            if (highest > ROTATE_AT && !rotating) {
              rotating = true;
              void createAuction(api, seller).then((fresh) => {
                auctions.push(fresh);
                current = fresh;
                highest = 0;
                rotating = false;
              });
            }
          },
        },
      ],
    });
    return {
      attempts: result.requests.total,
      attemptsPerSecond: Math.round(result.requests.total / seconds),
      p99: result.latency.p99,
      accepted: statuses.get(201) ?? 0,
      answers: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
      errors: result.errors + result.timeouts,
    };
  };

  return { bidders: BIDDERS, race, auctions: () => auctions.length, check: () => checkRules(dataDir, auctions) };
}

export type HotAuctionRound = Awaited<ReturnType<Awaited<ReturnType<typeof hotAuctionSession>>["race"]>>;

/**
 * The same race without HTTP: BIDDERS bidders call the place-bid use case of a local runtime in this
 * process (wired as `npm start` wires it: SQLite file in WAL mode, outbox, dispatcher delivering the
 * bid events), each attempt started as its own task the way requests arrive. Bounds what the HTTP
 * figure could reach; the stored bids are checked against the rules the same way.
 */
export async function hotAuctionEngine(password: string, seconds: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "orderflow-bench-engine-"));
  // Its bidders sign up in this process, without a client address: one allowance for all of them.
  const runtime = composeLocalRuntime(
    loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "error", DEMO_PASSWORD: password, SIGN_UPS_PER_HOUR: "1000" }),
  );
  await runtime.start();
  const { useCases } = runtime;
  const auctions: Array<{ id: string; endsAt: string }> = [];
  let stopped = false;
  try {
    const seller = (await useCases.signIn({ email: "seller@orderflow.local", password })).user;
    const sellerActor: Actor = { userId: seller.id, roles: seller.roles };
    const bidders: Actor[] = [];
    for (let i = 0; i < BIDDERS; i++) {
      const email = `bidder${i}-${Date.now()}@example.com`;
      const user = await useCases.signUp({ email, password: "bench-bidder-password", name: `Bidder ${i}` });
      bidders.push({ userId: user.id, roles: user.roles });
    }
    const createAuction = async () => {
      const now = Date.now();
      const auction = await useCases.createAuction(
        {
          title: `Hot auction ${now}`,
          description: "Benchmark: everyone wants this cake",
          currency: "EUR",
          startingPrice: 100,
          startsAt: new Date(now - 1000).toISOString(),
          endsAt: new Date(now + 3_600_000).toISOString(),
        },
        sellerActor,
      );
      auctions.push({ id: auction.id, endsAt: auction.endsAt });
      return auction.id;
    };
    let current = await createAuction();
    let highest = 0;
    let rotating = false;
    let next = 0;
    const answers: Record<string, number> = {};
    const latencies: number[] = [];
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    const end = started + seconds * 1000;
    await Promise.all(
      bidders.map(async (bidder) => {
        while (performance.now() < end) {
          await turn();
          const auctionId = current;
          const amount = nextAmount(highest, next++);
          const attempt = performance.now();
          let seen = 0;
          try {
            seen = (await useCases.placeBid(auctionId, amount, bidder)).bid.amount;
            answers.accepted = (answers.accepted ?? 0) + 1;
          } catch (error) {
            if (!(error instanceof BidRejectedError)) throw error;
            answers[error.code] = (answers[error.code] ?? 0) + 1;
            seen = error.currentHighest ?? 0;
          }
          latencies.push(performance.now() - attempt);
          if (auctionId !== current) continue;
          highest = Math.max(highest, seen);
          if (highest > ROTATE_AT && !rotating) {
            rotating = true;
            current = await createAuction();
            highest = 0;
            rotating = false;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    await runtime.stop();
    stopped = true;
    latencies.sort((a, b) => a - b);
    const accepted = answers.accepted ?? 0;
    const check = checkRules(dataDir, auctions);
    // Every answer arrived, so the accepted bids are exactly the stored ones.
    if (check.storedBids !== accepted) {
      check.violations++;
      check.violationExamples.push(`${accepted} bids accepted, ${check.storedBids} stored`);
    }
    return {
      bidders: BIDDERS,
      attempts: latencies.length,
      attemptsPerSecond: Math.round(latencies.length / elapsed),
      p99: +(latencies[Math.floor(latencies.length * 0.99)] ?? 0).toFixed(2),
      accepted,
      answers,
      auctions: auctions.length,
      ...check,
    };
  } finally {
    if (!stopped) await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Reads every auction's stored bids (in commit order) and counts rule violations. */
function checkRules(dataDir: string, auctions: Array<{ id: string; endsAt: string }>) {
  const db = new Database(join(dataDir, "orderflow.db"), { readonly: true });
  const violations: string[] = [];
  let storedBids = 0;
  try {
    const bidsOf = db.prepare<[string], { data: string }>(
      "SELECT data FROM items WHERE pk = ? AND sk LIKE 'BID#%' ORDER BY sk",
    );
    const auctionOf = db.prepare<[string], { data: string }>("SELECT data FROM items WHERE pk = ? AND sk = 'AUCTION'");
    for (const { id, endsAt } of auctions) {
      const bids = bidsOf.all(`AUCTION#${id}`).map((row) => JSON.parse(row.data) as { amount: number; at: string });
      storedBids += bids.length;
      bids.forEach((bid, i) => {
        const previous = bids[i - 1];
        const minimum = previous ? previous.amount + minimumIncrement(previous.amount) : 100;
        if (bid.amount < minimum) violations.push(`${id}: bid ${i} of ${bid.amount} below ${minimum}`);
        if (bid.at > endsAt) violations.push(`${id}: bid ${i} after the end`);
      });
      const row = auctionOf.get(`AUCTION#${id}`);
      const auction = row ? (JSON.parse(row.data) as { bidCount: number; highestBid?: { amount: number } }) : undefined;
      if (!auction) violations.push(`${id}: auction missing`);
      else {
        if (auction.bidCount !== bids.length) violations.push(`${id}: bidCount ${auction.bidCount} ≠ ${bids.length}`);
        if ((auction.highestBid?.amount ?? 0) !== (bids.at(-1)?.amount ?? 0)) violations.push(`${id}: wrong highest`);
      }
    }
  } finally {
    db.close();
  }
  return { storedBids, violations: violations.length, violationExamples: violations.slice(0, 5) };
}
