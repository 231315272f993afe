/**
 * How far apart the background rounds of the local runtime (the dispatcher's pumps, the stream reader's
 * rounds) start under load. Every commit that appends events wakes them; at 400 orders/s, a round per
 * wake cost about a third of the server's time (a write transaction and a few queries each, mostly for
 * nothing new). Rounds 10 ms apart take up the events of many commits at once, and an event waits at most
 * that long more for its round.
 */
export const BACKGROUND_ROUND_GAP_MS = 10;

/**
 * Runs one round of work (a background round, a group commit) for any number of wake-ups: wakes that come
 * before the round starts share it. Rounds start at least `minGapMs` apart; after a quiet spell, a wake
 * starts one in the next turn of the event loop. A wake `now` does not wait for the gap (work that waits
 * for this very round, such as the next event of a line whose delivery just ended).
 */
export class PacedRounds {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly round: () => void,
    private readonly minGapMs = BACKGROUND_ROUND_GAP_MS,
  ) {}

  wake(now = false): void {
    if (this.immediate) return;
    const wait = now ? 0 : this.lastStartedAt + this.minGapMs - performance.now();
    if (wait > 0) {
      this.timer ??= setTimeout(this.start, wait);
      return;
    }
    this.cancel();
    this.immediate = setImmediate(this.start);
  }

  /** Drops the round waiting to start, if any. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private readonly start = () => {
    this.cancel();
    this.lastStartedAt = performance.now();
    this.round();
  };
}
