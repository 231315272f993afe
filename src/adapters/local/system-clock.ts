import { randomFillSync } from "node:crypto";
import type { Clock, IdGenerator } from "../../ports/clock.js";

export const systemClock: Clock = { now: () => new Date() };

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * Random bytes taken from a pool filled 4 KiB at a time by the system's CSPRNG (as crypto.randomUUID
 * does): one call into OpenSSL per ~100 ids instead of one per id, which showed on the accept path.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBytesFromPool(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/**
 * ULID-style ids: 10 characters of millisecond time then 16 of randomness, so ids sort by creation time.
 * Within one millisecond the random part is incremented, keeping ids from one process strictly increasing.
 */
export function createUlidGenerator(clock: Clock = systemClock): IdGenerator {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return {
    next() {
      const time = clock.now().getTime();
      if (time === lastTime) {
        for (let i = lastRandom.length - 1; i >= 0; i--) {
          const digit = (lastRandom[i] ?? 0) + 1;
          lastRandom[i] = digit % 32;
          if (digit < 32) break;
        }
      } else {
        lastTime = time;
        lastRandom = Array.from(randomBytesFromPool(16), (byte) => byte % 32);
      }
      return encodeTime(time) + lastRandom.map((digit) => ALPHABET[digit]).join("");
    },
    secret: () => randomBytesFromPool(24).toString("base64url"),
  };
}
