import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

const cache = new Map<string, Promise<string>>();

/**
 * A secret's string value from Secrets Manager, read once per Lambda container (and per secret): a
 * warm function does not pay a Secrets Manager call per message. A failed read is not cached.
 */
export function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  let value = cache.get(secretId);
  if (!value) {
    value = client.send(new GetSecretValueCommand({ SecretId: secretId })).then((answer) => {
      if (!answer.SecretString) throw new Error(`Secret ${secretId} has no string value`);
      return answer.SecretString;
    });
    value.catch(() => cache.delete(secretId));
    cache.set(secretId, value);
  }
  return value;
}
