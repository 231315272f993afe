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

/** Item-level read access (TransactWriteItems is authorised by the per-item actions). */
export function grantTableRead(grantee: iam.IGrantable, table: dynamodb.ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: TABLE_READ, resources: tableResources(table) }),
  );
}

export function grantTableReadWrite(grantee: iam.IGrantable, table: dynamodb.ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...TABLE_READ, ...TABLE_WRITE], resources: tableResources(table) }),
  );
}

/** Object access under one key prefix of the objects bucket. */
export function grantObjects(grantee: iam.IGrantable, prefix: string, access: ReadonlyArray<"read" | "write">): void {
  const actions = [
    ...(access.includes("read") ? ["s3:GetObject"] : []),
    ...(access.includes("write") ? ["s3:PutObject"] : []),
  ];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions, resources: [`arn:${Aws.PARTITION}:s3:::${OBJECTS_BUCKET_NAME}/${prefix}*`] }),
  );
}

/** `ses:SendEmail` from the sender identity only. */
export function grantSendEmail(grantee: iam.IGrantable, identityArn: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ["ses:SendEmail", "ses:SendRawEmail"], resources: [identityArn] }),
  );
}
