import { z } from "zod";

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);

const optionalUrl = z.preprocess((value) => (value === "" ? undefined : value), z.url().optional());

/**
 * The settings of one Lambda function, from the environment the CDK app gives it
 * (`infra/lib/stateless-stack.ts`). Every function gets the table; the rest only where it is used, so
 * an adapter a function has no settings (and no IAM permission) for fails loudly when touched.
 */
const AwsConfigSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    OBJECTS_BUCKET: z.string().min(1).optional(),
    SENDER_EMAIL: z.string().min(3).optional(),
    MAKER_EMAIL: z.email().default("maker@example.com"),
    SHOP_NAME: z.string().min(1).default("Orderflow Bakery"),
    PUBLIC_URL: z.url().default("https://localhost"),
    CHECKOUT_WINDOW_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(48),
    LOG_LEVEL: z.enum(["info", "warn", "error", "silent"]).default("info"),
    JWT_SECRET_ARN: z.string().min(1).optional(),
    USER_POOL_ID: z.string().min(1).optional(),
    USER_POOL_CLIENT_ID: z.string().min(1).optional(),
    QUEUE_NAME: z.string().min(1).optional(),
    STATE_MACHINE_ARNS: json(z.record(z.string(), z.string())).optional(),
    WEBHOOK_URL: optionalUrl,
    WEBHOOK_SECRET_ARN: z.string().min(1).optional(),
    CHANNEL_EMAIL: z.email().optional(),
    SCHEDULE_GROUP: z.string().min(1).optional(),
    SCHEDULER_ROLE_ARN: z.string().min(1).optional(),
    CLOSER_QUEUE_ARN: z.string().min(1).optional(),
    CHECKOUT_DEADLINES_QUEUE_ARN: z.string().min(1).optional(),
    CLOSER_DLQ_ARN: z.string().min(1).optional(),
    CHECKOUT_DEADLINES_DLQ_ARN: z.string().min(1).optional(),
    QUEUE_URLS: json(z.record(z.string(), z.string())).optional(),
    DEAD_LETTER_QUEUES: json(z.record(z.string(), z.object({ queue: z.string(), dlq: z.string() }))).optional(),
    ORDER_EVENTS_STREAM: z.string().min(1).optional(),
  })
  .transform((env) => ({
    tableName: env.TABLE_NAME,
    objectsBucket: env.OBJECTS_BUCKET,
    senderEmail: env.SENDER_EMAIL,
    shop: { shopName: env.SHOP_NAME, makerEmail: env.MAKER_EMAIL, publicUrl: env.PUBLIC_URL.replace(/\/$/, "") },
    checkoutWindowMs: env.CHECKOUT_WINDOW_HOURS * 3_600_000,
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
  }));

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
