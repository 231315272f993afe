import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { readSecretString } from "../../adapters/aws/secrets.js";
import { EmailChannel } from "../../adapters/http/email-channel.js";
import { SignedWebhookChannel } from "../../adapters/http/signed-webhook-channel.js";
import type { Clock } from "../../ports/clock.js";
import type { Mailer } from "../../ports/mailer.js";
import type { OutboundChannel, OutboundMessage } from "../../ports/outbound-channel.js";
import type { AwsConfig } from "./config.js";
import { unconfigured } from "./unconfigured.js";

/**
 * The partner channel of the delivery or customer-service consumer, from the same settings: a signed
 * webhook when a URL and its secret are set, else e-mail. Other functions get none.
 *
 * The webhook's secret is read at each send (readSecretString keeps it per container and forgets a failed
 * read): a read that failed once at a cold start must not fail every later message of this container.
 */
export function partnerChannel(
  queue: "delivery" | "customer-service",
  deps: {
    config: Pick<AwsConfig, "queueName" | "channel">;
    secrets: SecretsManagerClient;
    clock: Clock;
    mailer: Mailer;
  },
): OutboundChannel {
  const { config, secrets, clock, mailer } = deps;
  if (config.queueName !== queue) return unconfigured<OutboundChannel>(`The ${queue} channel`, `QUEUE_NAME=${queue}`);
  const { url, secretArn, email } = config.channel;
  if (url && secretArn) {
    return {
      send: async (message: OutboundMessage) => {
        const secret = await readSecretString(secrets, secretArn);
        return new SignedWebhookChannel({ url, secret, clock }).send(message);
      },
    };
  }
  if (!email) return unconfigured<OutboundChannel>(`The ${queue} channel`, "WEBHOOK_URL or CHANNEL_EMAIL");
  return new EmailChannel({ mailer, to: email });
}
