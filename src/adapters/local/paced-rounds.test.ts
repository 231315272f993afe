import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PacedRounds } from "./paced-rounds.js";

/** Rounds started, at the (fake) times they started. */
function counted(minGapMs: number) {
  const started: number[] = [];
  const rounds = new PacedRounds(() => started.push(performance.now()), minGapMs);
  return { rounds, started };
}

describe("PacedRounds", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs one round for all the wakes before it starts, in the next turn after a quiet spell", () => {
    const { rounds, started } = counted(200);
    rounds.wake();
    rounds.wake();
    rounds.wake();
    expect(started).toHaveLength(0);
    vi.advanceTimersByTime(0);
    expect(started).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(started).toHaveLength(1);
  });

  it("starts the next round no sooner than the gap after the last one, however many wakes come", () => {
    const { rounds, started } = counted(100);
    rounds.wake();
    vi.advanceTimersByTime(0);
    for (let i = 0; i < 19; i++) {
      vi.advanceTimersByTime(5);
      rounds.wake();
    }
    vi.advanceTimersByTime(4);
    expect(started).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(started).toHaveLength(2);
    expect(started[1]! - started[0]!).toBe(100);
    // Quiet for longer than the gap: the next wake goes in the next turn.
    vi.advanceTimersByTime(500);
    rounds.wake();
    vi.advanceTimersByTime(0);
    expect(started).toHaveLength(3);
    expect(started[2]! - started[1]!).toBe(500);
  });

  it("does not make a wake `now` wait for the gap, and runs the round it brings forward once", () => {
    const { rounds, started } = counted(1000);
    rounds.wake();
    vi.advanceTimersByTime(0);
    rounds.wake(); // waits for the gap
    rounds.wake(true);
    vi.advanceTimersByTime(0);
    expect(started).toHaveLength(2);
    vi.advanceTimersByTime(5000);
    expect(started).toHaveLength(2);
  });

  it("drops the round waiting to start when cancelled", () => {
    const { rounds, started } = counted(30);
    rounds.wake();
    rounds.cancel();
    vi.advanceTimersByTime(0);
    expect(started).toHaveLength(0);
    rounds.wake();
    vi.advanceTimersByTime(0);
    rounds.wake();
    rounds.cancel();
    vi.advanceTimersByTime(100);
    expect(started).toHaveLength(1);
  });
});
