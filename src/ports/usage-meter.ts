/** What a flow would be billed for on AWS; the local runtime counts it as it works. */
export const USAGE_ITEMS = [
  "api.requests",
  "lambda.invocations",
  "lambda.gbSeconds",
  "dynamodb.readUnits",
  "dynamodb.writeUnits",
  "sqs.requests",
  "kinesis.putUnits",
  "stepfunctions.expressRequests",
  "stepfunctions.expressGbSeconds",
  "stepfunctions.transitions",
  "s3.putRequests",
  "s3.getRequests",
  "ses.emails",
] as const;
export type UsageItem = (typeof USAGE_ITEMS)[number];

export interface UsageMeter {
  count(item: UsageItem, amount?: number): void;
  snapshot(): Record<UsageItem, number>;
}
