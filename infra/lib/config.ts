import type { Node } from "constructs";

/** Deploy-time settings, from CDK context (`-c senderEmail=shop@example.com` or `cdk.json`). */
export interface AppConfig {
  /** Verified SES sender identity for every e-mail the shop sends. */
  readonly senderEmail: string;
  /** Where "please bake" e-mails go. */
  readonly makerEmail: string;
  /** Signed-webhook URL of the delivery company; without it deliveries go by e-mail to `deliveryEmail`. */
  readonly deliveryWebhookUrl: string;
  readonly deliveryEmail: string;
  /** Signed-webhook URL of customer service; without it feedback goes by e-mail to `customerServiceEmail`. */
  readonly customerServiceWebhookUrl: string;
  readonly customerServiceEmail: string;
  /** Subscribed to the admin alarm topic when set. */
  readonly adminEmail: string;
  /** Optional own domain of the web app (e.g. `shop.example.com`); needs `certificateArn`. */
  readonly domainName: string;
  /** ACM certificate for `domainName`, in us-east-1 (CloudFront's region). */
  readonly certificateArn: string;
}

const DEFAULTS: AppConfig = {
  senderEmail: "shop@example.com",
  makerEmail: "maker@example.com",
  deliveryWebhookUrl: "",
  deliveryEmail: "delivery@example.com",
  customerServiceWebhookUrl: "",
  customerServiceEmail: "support@example.com",
  adminEmail: "",
  domainName: "",
  certificateArn: "",
};

/** Reads every setting from context once, falling back to defaults that synthesize but are not meant to deploy. */
export function readConfig(node: Node): AppConfig {
  const config = readContext(node);
  if (Boolean(config.domainName) !== Boolean(config.certificateArn)) {
    throw new Error("Set both domainName and certificateArn (an ACM certificate in us-east-1), or neither");
  }
  return config;
}

function readContext(node: Node): AppConfig {
  const read = (key: keyof AppConfig): string => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined) return DEFAULTS[key];
    if (typeof value !== "string") throw new Error(`Context ${key} must be a string`);
    return value;
  };
  return {
    senderEmail: read("senderEmail"),
    makerEmail: read("makerEmail"),
    deliveryWebhookUrl: read("deliveryWebhookUrl"),
    deliveryEmail: read("deliveryEmail"),
    customerServiceWebhookUrl: read("customerServiceWebhookUrl"),
    customerServiceEmail: read("customerServiceEmail"),
    adminEmail: read("adminEmail"),
    domainName: read("domainName"),
    certificateArn: read("certificateArn"),
  };
}
