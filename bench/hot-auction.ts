import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { minimumIncrement } from "../src/domain/auctions/auction-rules.js";

const BIDDERS = 50;
/** Bids stop at 1,000,000.00 (the schema's cap); past this a fresh auction takes over. */
const ROTATE_AT = 50_000_000;

interface Session {
  url: string;
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
 * price cap a fresh one takes over. Afterwards the stored bids are checked against the rules.
 */
export async function hotAuction(url: string, dataDir: string, password: string, seconds: number) {
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
  const statuses = new Map<number, number>();

  const result = await autocannon({
    url,
    connections: 64,
    duration: seconds,
    requests: [
      {
        method: "POST",
        path: `/auctions/${current.id}/bids`,
        setupRequest: (request) => {
          const seen = highest;
          const amount = seen === 0 ? 100 + (next % 50) : seen + minimumIncrement(seen) + (next % 50);
          const token = tokens[next++ % tokens.length];
          return {
            ...request,
            path: `/auctions/${current.id}/bids`,
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ amount }),
          };
        },
        onResponse: (status, body) => {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const answer = JSON.parse(body) as {
            auction?: { id: string; highestBid?: { amount: number } };
            error?: { details?: { currentHighest?: number | null } };
          };
          // Accepted bids and refusals both tell the bidders the current highest amount.
          const seen = answer.auction?.highestBid?.amount ?? answer.error?.details?.currentHighest ?? 0;
          if (answer.auction && answer.auction.id !== current.id) return;
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

  const check = checkRules(dataDir, auctions);
  return {
    attempts: result.requests.total,
    attemptsPerSecond: Math.round(result.requests.total / seconds),
    p99: result.latency.p99,
    accepted: statuses.get(201) ?? 0,
    answers: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
    errors: result.errors + result.timeouts,
    auctions: auctions.length,
    ...check,
  };
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
