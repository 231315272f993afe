import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { DomainError } from "../../domain/shared/errors.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export interface ScryptParams {
  /** CPU/memory cost, a power of two; memory used is about 128 * N * r bytes. */
  N: number;
  r: number;
  p: number;
}

/** N=2^15, r=8, p=1: about 32 MiB and some tens of milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_LENGTH,
      { N, r, p, maxmem: 128 * N * r * 2 + 128 * r * p },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** Parameters read back from a stored hash, bounded so that a tampered row cannot ask for gigabytes. */
function parseParams(N: string, r: string, p: string): ScryptParams | undefined {
  const params = { N: Number(N), r: Number(r), p: Number(p) };
  const powerOfTwo = Number.isInteger(params.N) && params.N >= 2 && (params.N & (params.N - 1)) === 0;
  const bounded = params.N <= 2 ** 20 && Number.isInteger(params.r) && params.r >= 1 && params.r <= 32;
  return powerOfTwo && bounded && Number.isInteger(params.p) && params.p >= 1 && params.p <= 16 ? params : undefined;
}

/** How many hashes run at once, and how many may wait for a turn, before more are refused. */
export interface HashingLimits {
  /**
   * scrypt runs on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise), which file
   * reads (receipts, static files) and DNS share: 2 leaves them room while sign-ins pour in.
   */
  concurrent: number;
  waiting: number;
}
export const DEFAULT_HASHING_LIMITS: HashingLimits = { concurrent: 2, waiting: 64 };

/** More sign-ins (or sign-ups, or resets) than the server hashes at once are waiting: 503, try again soon. */
function hashingBusy(): DomainError {
  const error = new DomainError(
    "TOO_BUSY",
    "unavailable",
    "Many people are signing in right now; please try again in a moment",
  );
  error.details = { retryAfterSeconds: 1 };
  return error;
}

/**
 * scrypt (memory-hard) with a random 16-byte salt, stored as `scrypt$N$r$p$<salt base64>$<hash base64>`
 * so that hashes made with other parameters keep verifying. Lower N only in tests. At most
 * `limits.concurrent` hashes run at once and `limits.waiting` wait; beyond that a hash is refused at once
 * (TOO_BUSY), so a flood of sign-ins cannot queue the rest of the server behind password hashing.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
    private readonly limits: HashingLimits = DEFAULT_HASHING_LIMITS,
  ) {}

  /** Runs `work` in its turn: now if a place is free, else after those waiting; refused when too many wait. */
  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrent) {
      if (this.queue.length >= this.limits.waiting) throw hashingBusy();
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.running++;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // the place passes on
      else this.running--;
    }
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await this.inTurn(() => derive(password, salt, this.params));
    const { N, r, p } = this.params;
    return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
  }

  /** True when `password` matches; false for a wrong password and for a malformed stored hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, N, r, p, salt, hash, ...rest] = stored.split("$");
    if (scheme !== "scrypt" || !N || !r || !p || !salt || !hash || rest.length > 0) return false;
    const params = parseParams(N, r, p);
    const expected = Buffer.from(hash, "base64");
    if (!params || expected.length !== KEY_LENGTH) return false;
    const actual = await this.inTurn(() => derive(password, Buffer.from(salt, "base64"), params));
    return timingSafeEqual(expected, actual);
  }
}
