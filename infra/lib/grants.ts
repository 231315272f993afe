import { Aws } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import { OBJECTS_BUCKET_NAME } from "./names.js";

const TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"];
const TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

/** The table and its two named indexes (never `index/*`). */
function tableResources(table: dynamodb.ITable): string[] {
  return [table.tableArn, `${table.tableArn}/index/gsi1`, `${table.tableArn}/index/gsi2`];
}

/** Item-level read and write access (TransactWriteItems is authorised by the per-item actions). */
export function grantTableReadWrite(grantee: iam.IGrantable, table: dynamodb.ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...TABLE_READ, ...TABLE_WRITE], resources: tableResources(table) }),
  );
}

/**
 * Writing the table's delivery-error records only (`DELIVERY_ERROR#…` partitions, see
 * src/ports/delivery-errors.ts): every SQS consumer records why a message failed, most need nothing else.
 */
export function grantDeliveryErrorRecords(grantee: iam.IGrantable, table: dynamodb.ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["dynamodb:PutItem"],
      resources: [table.tableArn],
      conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["DELIVERY_ERROR#*"] } },
    }),
  );
}

/**
 * Object access under one key prefix of the objects bucket. Reading includes listing that prefix: without
 * s3:ListBucket, S3 answers a missing object with 403 instead of 404, and "not there yet" must read as absent.
 */
export function grantObjects(
  grantee: iam.IGrantable,
  prefix: string,
  access: ReadonlyArray<"read" | "write" | "delete">,
): void {
  const actions = [
    ...(access.includes("read") ? ["s3:GetObject"] : []),
    ...(access.includes("write") ? ["s3:PutObject"] : []),
    ...(access.includes("delete") ? ["s3:DeleteObject"] : []),
  ];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions, resources: [`arn:${Aws.PARTITION}:s3:::${OBJECTS_BUCKET_NAME}/${prefix}*`] }),
  );
  if (access.includes("read")) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["s3:ListBucket"],
        resources: [`arn:${Aws.PARTITION}:s3:::${OBJECTS_BUCKET_NAME}`],
        conditions: { StringLike: { "s3:prefix": [`${prefix}*`] } },
      }),
    );
  }
}

/** `ses:SendEmail` from the sender identity only. */
export function grantSendEmail(grantee: iam.IGrantable, identityArn: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ["ses:SendEmail", "ses:SendRawEmail"], resources: [identityArn] }),
  );
}
