import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { PacedRounds } from "./paced-rounds.js";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function counted(minGapMs: number) {
  const started: number[] = [];
  const rounds = new PacedRounds(() => started.push(performance.now()), minGapMs);
  return { rounds, started };
}

describe("PacedRounds", () => {
  it("runs one round for all the wakes before it starts, in the next turn after a quiet spell", async () => {
    const { rounds, started } = counted(200);
    rounds.wake();
    rounds.wake();
    rounds.wake();
    expect(started).toHaveLength(0);
    await nextTurn();
    expect(started).toHaveLength(1);
    await sleep(20);
    expect(started).toHaveLength(1);
  });

  it("starts the next round no sooner than the gap after the last one, however many wakes come", async () => {
    const { rounds, started } = counted(100);
    rounds.wake();
    await nextTurn();
    for (let i = 0; i < 10; i++) {
      rounds.wake();
      await sleep(5);
    }
    expect(started).toHaveLength(1);
    await sleep(100);
    expect(started).toHaveLength(2);
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(99);
  });

  it("does not make a wake `now` wait for the gap, and runs the round it brings forward once", async () => {
    const { rounds, started } = counted(1000);
    rounds.wake();
    await nextTurn();
    rounds.wake(); // waits for the gap
    rounds.wake(true);
    await nextTurn();
    expect(started).toHaveLength(2);
    await sleep(50);
    expect(started).toHaveLength(2);
  });

  it("drops the round waiting to start when cancelled", async () => {
    const { rounds, started } = counted(30);
    rounds.wake();
    rounds.cancel();
    await nextTurn();
    rounds.wake();
    await nextTurn();
    rounds.wake();
    rounds.cancel();
    await sleep(60);
    expect(started).toHaveLength(1);
  });
});
