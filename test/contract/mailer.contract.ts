import { describe, expect, it } from "vitest";
import type { Mailer } from "../../src/ports/mailer.js";

/** The behaviour every Mailer adapter must have; `sentCount` reads how many messages really went out. */
export function mailerContract(
  name: string,
  make: () => Promise<{ mailer: Mailer; sentCount: () => Promise<number> }>,
) {
  describe(`Mailer contract: ${name}`, () => {
    it("sends a message and returns its Message-ID", async () => {
      const { mailer, sentCount } = await make();
      const sent = await mailer.send({ id: "welcome-1", to: "ada@example.com", subject: "Hello", text: "Hi Ada" });
      expect(sent.sentNow).toBe(true);
      expect(sent.messageId).toMatch(/^<.+@.+>$/);
      expect(await sentCount()).toBe(1);
    });

    it("sends a message id once, also when asked twenty times at once", async () => {
      const { mailer, sentCount } = await make();
      const message = { id: "order-confirmed-ord_9", to: "ada@example.com", subject: "Confirmed", text: "Yes" };
      const results = await Promise.all(Array.from({ length: 20 }, () => mailer.send(message)));
      expect(results.filter((result) => result.sentNow)).toHaveLength(1);
      expect(new Set(results.map((result) => result.messageId)).size).toBe(1);
      expect((await mailer.send(message)).sentNow).toBe(false);
      expect(await sentCount()).toBe(1);
    });

    it("sends different ids separately, also ids that differ only in punctuation", async () => {
      const { mailer, sentCount } = await make();
      const ids = ["a", "b", "outbid/auc_1:bid_2", "outbid_auc_1_bid_2", "outbid auc_1 bid_2"];
      const results = [];
      for (const id of ids) results.push(await mailer.send({ id, to: "x@example.com", subject: id, text: id }));
      expect(results.every((result) => result.sentNow)).toBe(true);
      expect(new Set(results.map((result) => result.messageId)).size).toBe(ids.length);
      expect(await sentCount()).toBe(ids.length);
    });
  });
}
