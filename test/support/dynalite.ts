import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/**
 * dynalite (a DynamoDB emulator) on loopback, making tables shaped like the deploy's
 * (infra/lib/stateful-stack.ts): pk/sk, and the keys-only indexes gsi1 and gsi2.
 */
export async function startDynalite(region = "us-east-1") {
  const dynalite = createRequire(import.meta.url)("dynalite") as (options: { createTableMs: number }) => Server;
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = () => new DynamoDBClient({ endpoint, region, credentials });
  const keys = (prefix: string) => [
    { AttributeName: `${prefix}pk`, KeyType: "HASH" as const },
    { AttributeName: `${prefix}sk`, KeyType: "RANGE" as const },
  ];
  return {
    endpoint,
    client,
    async createTable(tableName: string): Promise<void> {
      const admin = client();
      await admin.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: ["", "gsi1", "gsi2"].flatMap((prefix) =>
            ["pk", "sk"].map((key) => ({ AttributeName: `${prefix}${key}`, AttributeType: "S" as const })),
          ),
          KeySchema: keys(""),
          GlobalSecondaryIndexes: ["gsi1", "gsi2"].map((index) => ({
            IndexName: index,
            KeySchema: keys(index),
            Projection: { ProjectionType: "KEYS_ONLY" as const },
          })),
        }),
      );
      admin.destroy();
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
