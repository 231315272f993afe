import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readSecretString } from "./secrets.js";

const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());
const client = new SecretsManagerClient({ region: "eu-west-1" });
const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const answer = (name: string, SecretString?: string, SecretBinary?: Uint8Array) => ({
  ARN: arn(name),
  Name: name,
  VersionId: "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
  VersionStages: ["AWSCURRENT"],
  CreatedDate: new Date("2026-11-01T00:00:00Z"),
  ...(SecretString === undefined ? {} : { SecretString }),
  ...(SecretBinary ? { SecretBinary } : {}),
});

describe("reading secrets", () => {
  it("reads a secret once per container, sharing concurrent first reads", async () => {
    secrets.on(GetSecretValueCommand).resolves(answer("webhook", "s3cr3t-value"));
    const [first, second] = await Promise.all([
      readSecretString(client, arn("webhook")),
      readSecretString(client, arn("webhook")),
    ]);
    expect([first, second]).toEqual(["s3cr3t-value", "s3cr3t-value"]);
    expect(await readSecretString(client, arn("webhook"))).toBe("s3cr3t-value");
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: arn("webhook") });
  });

  it("reads again after a failed read", async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(
        new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret.",
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves(answer("jwt", "jwt-signing-key"));
    await expect(readSecretString(client, arn("jwt"))).rejects.toThrow("can't find the specified secret");
    expect(await readSecretString(client, arn("jwt"))).toBe("jwt-signing-key");
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("refuses a binary secret, and reads it again once it has a string value", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce(answer("binary", undefined, new Uint8Array([1, 2, 3])))
      .resolves(answer("binary", "now-a-string"));
    await expect(readSecretString(client, arn("binary"))).rejects.toThrow(
      `Secret ${arn("binary")} has no string value`,
    );
    expect(await readSecretString(client, arn("binary"))).toBe("now-a-string");
  });
});
