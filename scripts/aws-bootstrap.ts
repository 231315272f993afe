/**
 * Prepares a deployed shop: creates staff accounts and, with --seed-catalog, the default catalog, in the
 * deployment's table (the OrderflowStateful stack's TableName output). AWS credentials and region come
 * from the environment, as for the AWS CLI.
 *
 *   npm run aws:bootstrap -- --table <TableName> --account admin@shop.example:admin \
 *     --account maker@shop.example:maker --seed-catalog
 */
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbItemStore } from "../src/adapters/aws/dynamodb-item-store.js";
import { ScryptPasswordHasher } from "../src/adapters/local/scrypt-password-hasher.js";
import { createUlidGenerator, systemClock } from "../src/adapters/local/system-clock.js";
import { bootstrapShop, parseStaffAccount } from "../src/runtime/aws/bootstrap.js";

const { values } = parseArgs({
  options: {
    table: { type: "string" },
    region: { type: "string" },
    account: { type: "string", multiple: true, default: [] },
    "seed-catalog": { type: "boolean", default: false },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  if (!values.table) throw new Error("--table is required: the TableName output of the OrderflowStateful stack");
  const accounts = (values.account ?? []).map(parseStaffAccount);
  if (accounts.length === 0 && !values["seed-catalog"]) {
    throw new Error("Nothing to do: give --account email:role (repeatable) and/or --seed-catalog");
  }
  const client = new DynamoDBClient(values.region ? { region: values.region } : {});
  const store = new DynamoDbItemStore({ client, tableName: values.table });
  const result = await bootstrapShop(
    { store, hasher: new ScryptPasswordHasher(), ids: createUlidGenerator(), clock: systemClock },
    { accounts, seedCatalog: values["seed-catalog"] ?? false },
  );
  for (const { email, role, password } of result.created) {
    say(`created ${role} ${email} — password: ${password} (shown once; hand it over safely)`);
  }
  for (const { email } of result.existing) say(`exists already, left as it is: ${email}`);
  if (values["seed-catalog"]) {
    say(result.products > 0 ? `seeded ${result.products} products` : "the catalog has products already");
  }
  client.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
