/**
 * Secrets Manager values, cached per Lambda container: one GetSecretValue per cold start (and
 * per `ttlMs`, so a rotated webhook secret is picked up without a redeploy), not per request.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const cachedSecret = (
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
  now: () => number,
  ttlMs = 5 * 60_000,
): (() => Promise<string>) => {
  let cached: { value: Promise<string>; at: number } | undefined;
  return () => {
    const t = now();
    if (!cached || t - cached.at >= ttlMs) {
      const value = client.send(new GetSecretValueCommand({ SecretId: secretId })).then((r) => {
        if (typeof r.SecretString !== 'string' || r.SecretString === '') {
          throw new Error(`secret ${secretId} has no value: put it with aws secretsmanager put-secret-value`);
        }
        return r.SecretString;
      });
      cached = { value, at: t };
      // A failed read is not cached: the next request tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
};
