/**
 * The mask of a run's logs on a deployment. Jobs log to CloudWatch Logs through the awslogs
 * driver, which holds what they printed; what hyperp serves (the API's logs) and posts (a check
 * run's excerpts) passes through this mask: the values of every secret the run's jobs declare,
 * current and previous (`read-secrets.ts`), their lines and base64 (`@hyperp/core`'s masking).
 *
 * Values are read at most once per request, and kept for a short while per Lambda container
 * (`hyperp logs --follow` asks every few seconds), but only values read after the run read its
 * own: a job starts only once its secret files are written, so a read at or after the run's
 * first job started saw the value the run used, as current or, changed once since, previous.
 * A failed read is not kept, and fails the caller: it never gives a smaller mask.
 */
import { declaredSecretNames, maskPatterns, vecToArray, type RunState } from '@hyperp/core/internal';
import { readMaskValues } from './read-secrets.js';
import type { SecretsClient } from './repository-secrets.js';

/** How long a value read for masking is kept by a container. */
export const MASK_CACHE_MS = 60_000;
/** Secrets kept at most, oldest dropped first. */
const MASK_CACHE_SIZE = 512;

export interface SecretMasks {
  /**
   * The patterns that mask the logs of `run` of `repo` (`maskText`, `maskPieces`): none when its
   * jobs declare no secret. Throws Secrets Manager's error when a value cannot be read.
   */
  readonly forRun: (repo: string, run: RunState) => Promise<readonly string[]>;
}

/** When the run's secrets had been read at the latest: its first job's start (null before any). */
const secretsReadBy = (run: RunState): number | null =>
  vecToArray(run.jobs).reduce<number | null>((min, j) => (j.startedAt !== null && (min === null || j.startedAt < min) ? j.startedAt : min), null);

export const secretMasks = (client: SecretsClient, prefix: string, now: () => number, ttlMs = MASK_CACHE_MS): SecretMasks => {
  const kept = new Map<string, { at: number; values: Promise<readonly string[]> }>();
  const valuesOf = (repo: string, name: string, readBy: number | null): Promise<readonly string[]> => {
    const key = `${repo.toLowerCase()}/${name}`;
    const t = now();
    const hit = kept.get(key);
    if (hit && t - hit.at < ttlMs && readBy !== null && hit.at >= readBy) return hit.values;
    const values = readMaskValues(client, prefix, repo, name);
    kept.delete(key);
    kept.set(key, { at: t, values });
    if (kept.size > MASK_CACHE_SIZE) kept.delete(kept.keys().next().value!);
    values.catch(() => {
      if (kept.get(key)?.values === values) kept.delete(key);
    });
    return values;
  };
  return {
    forRun: async (repo, run) => {
      const names = run.request ? declaredSecretNames(run.request.workflow) : [];
      if (names.length === 0) return [];
      const readBy = secretsReadBy(run);
      const values = await Promise.all(names.map((n) => valuesOf(repo, n, readBy)));
      return maskPatterns(values.flat());
    },
  };
};
