import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { DEFAULT_SIGN_UPS_PER_HOUR } from "../../application/users/sign-up-throttle.js";

// zod/mini loads no locale by itself: English messages, as the rest of the code base gets from zod.
z.config(en());

const nonEmpty = () => z.string().check(z.minLength(1));

const json = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((text, payload) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          payload.issues.push({ code: "custom", message: "must be JSON", input: text });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

const optionalUrl = z.pipe(
  z.transform((value: unknown) => (value === "" ? undefined : value)),
  z.optional(z.url()),
);

/**
 * The settings of one Lambda function, from the environment the CDK app gives it
 * (`infra/lib/stateless-stack.ts`). Every function gets the table; the rest only where it is used, so
 * an adapter a function has no settings (and no IAM permission) for fails loudly when touched.
 */
const AwsConfigSchema = z.pipe(
  z.object({
    TABLE_NAME: nonEmpty(),
    OBJECTS_BUCKET: z.optional(nonEmpty()),
    SENDER_EMAIL: z.optional(z.string().check(z.minLength(3))),
    MAKER_EMAIL: z._default(z.email(), "maker@example.com"),
    SHOP_NAME: z._default(nonEmpty(), "Orderflow Bakery"),
    PUBLIC_URL: z._default(z.url(), "https://localhost"),
    CHECKOUT_WINDOW_HOURS: z._default(z.coerce.number().check(z.positive(), z.lte(24 * 30)), 48),
    SIGN_UPS_PER_HOUR: z._default(z.coerce.number().check(z.int(), z.gte(1)), DEFAULT_SIGN_UPS_PER_HOUR),
    LOG_LEVEL: z._default(z.enum(["info", "warn", "error", "silent"]), "info"),
    JWT_SECRET_ARN: z.optional(nonEmpty()),
    USER_POOL_ID: z.optional(nonEmpty()),
    USER_POOL_CLIENT_ID: z.optional(nonEmpty()),
    QUEUE_NAME: z.optional(nonEmpty()),
    STATE_MACHINE_ARNS: z.optional(json(z.record(z.string(), z.string()))),
    WEBHOOK_URL: optionalUrl,
    WEBHOOK_SECRET_ARN: z.optional(nonEmpty()),
    CHANNEL_EMAIL: z.optional(z.email()),
    SCHEDULE_GROUP: z.optional(nonEmpty()),
    SCHEDULER_ROLE_ARN: z.optional(nonEmpty()),
    CLOSER_QUEUE_ARN: z.optional(nonEmpty()),
    CHECKOUT_DEADLINES_QUEUE_ARN: z.optional(nonEmpty()),
    CLOSER_DLQ_ARN: z.optional(nonEmpty()),
    CHECKOUT_DEADLINES_DLQ_ARN: z.optional(nonEmpty()),
    QUEUE_URLS: z.optional(json(z.record(z.string(), z.string()))),
    DEAD_LETTER_QUEUES: z.optional(json(z.record(z.string(), z.object({ queue: z.string(), dlq: z.string() })))),
    ORDER_EVENTS_STREAM: z.optional(nonEmpty()),
  }),
  z.transform((env) => ({
    tableName: env.TABLE_NAME,
    objectsBucket: env.OBJECTS_BUCKET,
    senderEmail: env.SENDER_EMAIL,
    shop: { shopName: env.SHOP_NAME, makerEmail: env.MAKER_EMAIL, publicUrl: env.PUBLIC_URL.replace(/\/$/, "") },
    checkoutWindowMs: env.CHECKOUT_WINDOW_HOURS * 3_600_000,
    signUpsPerHour: env.SIGN_UPS_PER_HOUR,
    logLevel: env.LOG_LEVEL,
    jwtSecretArn: env.JWT_SECRET_ARN,
    userPool:
      env.USER_POOL_ID && env.USER_POOL_CLIENT_ID
        ? { userPoolId: env.USER_POOL_ID, clientId: env.USER_POOL_CLIENT_ID }
        : undefined,
    queueName: env.QUEUE_NAME,
    stateMachineArns: env.STATE_MACHINE_ARNS ?? {},
    /** The partner channel of the delivery and customer-service consumers (`QUEUE_NAME` says which). */
    channel: { url: env.WEBHOOK_URL, secretArn: env.WEBHOOK_SECRET_ARN, email: env.CHANNEL_EMAIL },
    schedules:
      env.SCHEDULE_GROUP &&
      env.SCHEDULER_ROLE_ARN &&
      env.CLOSER_QUEUE_ARN &&
      env.CHECKOUT_DEADLINES_QUEUE_ARN &&
      env.CLOSER_DLQ_ARN &&
      env.CHECKOUT_DEADLINES_DLQ_ARN
        ? {
            groupName: env.SCHEDULE_GROUP,
            roleArn: env.SCHEDULER_ROLE_ARN,
            closer: { arn: env.CLOSER_QUEUE_ARN, deadLetterArn: env.CLOSER_DLQ_ARN },
            checkoutDeadlines: { arn: env.CHECKOUT_DEADLINES_QUEUE_ARN, deadLetterArn: env.CHECKOUT_DEADLINES_DLQ_ARN },
          }
        : undefined,
    queueUrls: env.QUEUE_URLS ?? {},
    deadLetterQueues: env.DEAD_LETTER_QUEUES ?? {},
    orderEventsStream: env.ORDER_EVENTS_STREAM,
  })),
);

export type AwsConfig = z.output<typeof AwsConfigSchema>;

/** Reads the function's settings; a wrong setting stops the cold start with every problem listed. */
export function loadAwsConfig(env: Record<string, string | undefined>): AwsConfig {
  const parsed = AwsConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid function settings:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
