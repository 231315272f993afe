import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_SIGN_UPS_PER_HOUR } from "../../application/users/sign-up-throttle.js";

const flag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

/** Every setting of the embedded runtime, read from the environment once, with defaults that just work. */
const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default("127.0.0.1"),
    DATA_DIR: z.string().default("./data"),
    PUBLIC_URL: z.url().optional(),
    SHOP_NAME: z.string().min(1).default("Orderflow Bakery"),
    MAIL_FROM: z.string().default('"Orderflow Bakery" <shop@orderflow.local>'),
    MAKER_EMAIL: z.email().default("maker@orderflow.local"),
    SMTP_URL: z.string().optional(),
    DELIVERY_WEBHOOK_URL: z.url().optional(),
    DELIVERY_WEBHOOK_SECRET: z.string().min(16).optional(),
    DELIVERY_EMAIL: z.email().default("courier@orderflow.local"),
    CUSTOMER_SERVICE_WEBHOOK_URL: z.url().optional(),
    CUSTOMER_SERVICE_WEBHOOK_SECRET: z.string().min(16).optional(),
    CUSTOMER_SERVICE_EMAIL: z.email().default("service@orderflow.local"),
    JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
    SEED_ROUTE_CARD: z.string().default("tok_visa"),
    SHOP_COUNTRY: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default("NL"),
    DEMO_PASSWORD: z.string().min(10).default("orderflow-demo"),
    SEED: flag.default(true),
    LOG_LEVEL: z.enum(["info", "warn", "error", "silent"]).default("info"),
    PAYMENT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
    MAIL_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
    WORKFLOW_RETRY_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
    DISPATCH_ENABLED: flag.default(true),
    CHECKOUT_WINDOW_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(48),
    AUCTION_SWEEP_MS: z.coerce.number().int().min(100).default(30_000),
    SIGN_UPS_PER_HOUR: z.coerce.number().int().min(1).default(DEFAULT_SIGN_UPS_PER_HOUR),
    TRUST_PROXY: flag.default(false),
    TTL_SWEEP_MS: z.coerce.number().int().min(100).default(60_000),
    DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
    MAX_LIVE_STREAMS: z.coerce.number().int().min(1).default(1000),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    DELIVERY_BACKOFF_MS: z.coerce.number().int().min(1).default(500),
  })
  .refine((env) => !env.DELIVERY_WEBHOOK_URL || env.DELIVERY_WEBHOOK_SECRET, {
    path: ["DELIVERY_WEBHOOK_SECRET"],
    message: "Set a signing secret (16+ characters) for the delivery webhook",
  })
  .refine((env) => !env.CUSTOMER_SERVICE_WEBHOOK_URL || env.CUSTOMER_SERVICE_WEBHOOK_SECRET, {
    path: ["CUSTOMER_SERVICE_WEBHOOK_SECRET"],
    message: "Set a signing secret (16+ characters) for the customer-service webhook",
  })
  .transform((env) => {
    const dataDir = resolve(env.DATA_DIR);
    return {
      port: env.PORT,
      host: env.HOST,
      dataDir,
      databaseFile: resolve(dataDir, "orderflow.db"),
      objectsDir: resolve(dataDir, "objects"),
      mailDir: resolve(dataDir, "mail"),
      publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
      shopName: env.SHOP_NAME,
      mailFrom: env.MAIL_FROM,
      makerEmail: env.MAKER_EMAIL,
      smtpUrl: env.SMTP_URL,
      deliveryChannel: {
        url: env.DELIVERY_WEBHOOK_URL,
        secret: env.DELIVERY_WEBHOOK_SECRET,
        email: env.DELIVERY_EMAIL,
      },
      customerServiceChannel: {
        url: env.CUSTOMER_SERVICE_WEBHOOK_URL,
        secret: env.CUSTOMER_SERVICE_WEBHOOK_SECRET,
        email: env.CUSTOMER_SERVICE_EMAIL,
      },
      jwtSecret: env.JWT_SECRET,
      demoPassword: env.DEMO_PASSWORD,
      seedRoutes: {
        paymentSource: env.SEED_ROUTE_CARD,
        country: env.SHOP_COUNTRY,
        fallbackEmail: "guest@orderflow.local",
      },
      seed: env.SEED,
      logLevel: env.LOG_LEVEL,
      paymentFailureRate: env.PAYMENT_FAILURE_RATE,
      mailFailureRate: env.MAIL_FAILURE_RATE,
      workflowRetryIntervalMs: env.WORKFLOW_RETRY_INTERVAL_MS,
      dispatchConcurrency: env.DISPATCH_CONCURRENCY,
      maxLiveStreams: env.MAX_LIVE_STREAMS,
      dispatchEnabled: env.DISPATCH_ENABLED,
      auctionSweepMs: env.AUCTION_SWEEP_MS,
      ttlSweepMs: env.TTL_SWEEP_MS,
      checkoutWindowMs: Math.round(env.CHECKOUT_WINDOW_HOURS * 3600 * 1000),
      signUpsPerHour: env.SIGN_UPS_PER_HOUR,
      trustProxy: env.TRUST_PROXY,
      retries: { maxAttempts: env.DELIVERY_MAX_ATTEMPTS, baseBackoffMs: env.DELIVERY_BACKOFF_MS },
    };
  });

export type LocalConfig = z.infer<typeof ConfigSchema>;

/** Reads and validates the environment; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): LocalConfig {
  const result = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}
