import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

const cache = new Map<string, Promise<string>>();

/**
 * A secret's string value from Secrets Manager, read once per Lambda container (and per secret): a
 * warm function does not pay a Secrets Manager call per message. Concurrent first reads share one
 * call; a failed read is not cached. A rotated secret is seen by new containers only.
 */
export function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  const cached = cache.get(secretId);
  if (cached) return cached;
  const value = client.send(new GetSecretValueCommand({ SecretId: secretId })).then((answer) => {
    if (answer.SecretString === undefined || answer.SecretString === "") {
      throw new Error(`Secret ${secretId} has no string value`);
    }
    return answer.SecretString;
  });
  cache.set(secretId, value);
  value.catch(() => {
    if (cache.get(secretId) === value) cache.delete(secretId);
  });
  return value;
}
