import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver } from "../../../test/support/webhook-receiver.js";
import type { Mailer } from "../../ports/mailer.js";
import { partnerChannel } from "./partner-channel.js";

const SECRET = "partner-secret-1";
const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf";
const noMail: Mailer = {
  send: () => {
    throw new Error("the webhook channel sends no e-mail");
  },
};
const message = (id: string) => ({
  id,
  type: "delivery_requested",
  subject: "Deliver ord_1",
  payload: { orderId: "ord_1" },
});

describe("the partner channel on AWS", () => {
  const secrets = mockClient(SecretsManagerClient);
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
  });
  afterAll(async () => {
    secrets.restore();
    await receiver.close();
  });

  it("sends later messages signed after the secret's first read failed (a cold start's hiccup is not kept)", async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error("Rate exceeded")).resolves({ SecretString: SECRET });
    const channel = partnerChannel("delivery", {
      config: { queueName: "delivery", channel: { url: receiver.url, secretArn, email: undefined } },
      secrets: new SecretsManagerClient({ region: "eu-west-1" }),
      clock: { now: () => new Date() },
      mailer: noMail,
    });
    await expect(channel.send(message("m1"))).rejects.toThrow("Rate exceeded");
    await channel.send(message("m2"));
    await channel.send(message("m3"));
    expect(receiver.received.map((r) => [r.headers["x-event-id"], r.body.id, r.signatureValid])).toEqual([
      ["m2", "m2", true],
      ["m3", "m3", true],
    ]);
    // Read once more after the failure, then kept for the container.
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
