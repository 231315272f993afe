import { describe, expect, it } from "vitest";
import type { Mailer, MailMessage } from "../../ports/mailer.js";
import { faultyMailer } from "./fault-injection.js";

describe("faultyMailer", () => {
  it("fails half its share before sending and half after (the answer lost), and passes the rest through", async () => {
    const sent: string[] = [];
    const real: Mailer = {
      send: async (message) => {
        sent.push(message.id);
        return { messageId: `<${message.id}@test>`, sentNow: true };
      },
    };
    const draws = [0.1, 0.3, 0.9];
    const mailer = faultyMailer(real, 0.5, () => draws.shift() ?? 1);
    const message = (id: string) => ({ id, to: "a@example.com", subject: "Hi", text: "Hello" }) as MailMessage;
    await expect(mailer.send(message("before"))).rejects.toThrow(/not sent/);
    await expect(mailer.send(message("after"))).rejects.toThrow(/sent, answer lost/);
    await expect(mailer.send(message("through"))).resolves.toMatchObject({ sentNow: true });
    expect(sent).toEqual(["after", "through"]);
  });
});
