/**
 * Task attempt keys and the RunTask idempotency fields derived from them.
 *
 * An attempt is one launch of one task of a job: `{runId}/{job}/{index}/{attempt}`. Each
 * component is URI-encoded, so a job named `a/b*c` still gives a key that splits back into
 * exactly four parts. RunTask carries the key twice, in the two forms ECS accepts:
 * - `clientToken`: a hash of the key (64 hex), so a repeated RunTask never starts a second task;
 * - `startedBy`: `hyperp-` and 29 hex digits of another hash of the key (36 characters). ECS
 *   echoes it on every task event; the reducer keeps `startedBy → attempt` in its state (it
 *   computed the value when it asked for the launch), so an event maps back to its attempt
 *   without parsing family names or container names.
 * Image builds get their own keys, `{runId}/build:{imageKey}/{attempt}`: three parts, and `:`
 * never appears unencoded in a job component, so build and task keys cannot collide.
 */
import * as E from 'fp-ts/lib/Either.js';
import { taggedHash } from './hash.js';

export interface TaskAttempt {
  readonly runId: string;
  readonly job: string;
  /** 1..concurrency, the task's `TASK_INDEX`. */
  readonly index: number;
  /** 1 for the first launch, 2 for the first retry, … */
  readonly attempt: number;
}

export interface BuildAttempt {
  readonly runId: string;
  readonly imageKey: string;
  readonly attempt: number;
}

export type AttemptKeyError = { readonly _tag: 'MalformedAttemptKey'; readonly key: string; readonly reason: string };

/** Prefix of every `startedBy` hyperp sets: lets an adapter tell hyperp's tasks from others. */
export const STARTED_BY_PREFIX = 'hyperp-';

export const attemptKey = (a: TaskAttempt): string =>
  [a.runId, a.job, String(a.index), String(a.attempt)].map(encodeURIComponent).join('/');

export const buildAttemptKey = (b: BuildAttempt): string =>
  `${encodeURIComponent(b.runId)}/build:${encodeURIComponent(b.imageKey)}/${b.attempt}`;

const positiveInt = (s: string): number | undefined => (/^[1-9][0-9]{0,8}$/.test(s) ? Number(s) : undefined);

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** The attempt a key names; the inverse of `attemptKey`. */
export const parseAttemptKey = (key: string): E.Either<AttemptKeyError, TaskAttempt> => {
  const bad = (reason: string) => E.left<AttemptKeyError>({ _tag: 'MalformedAttemptKey', key, reason });
  const parts = key.split('/');
  if (parts.length !== 4) return bad(`expected 4 parts separated by "/", found ${parts.length}`);
  const [r, j, i, a] = parts as [string, string, string, string];
  const runId = decode(r);
  const job = decode(j);
  if (runId === undefined || runId === '' || job === undefined || job === '') return bad('run id and job must be non-empty and URI-encoded');
  const index = positiveInt(i);
  const attempt = positiveInt(a);
  if (index === undefined) return bad(`task index "${i}" is not a positive integer`);
  if (attempt === undefined) return bad(`attempt "${a}" is not a positive integer`);
  return E.right({ runId, job, index, attempt });
};

/** RunTask `clientToken` for a task or build attempt key: 64 hex digits. */
export const clientToken = (key: string): string => taggedHash('clientToken', key);

/** RunTask `startedBy` for a task or build attempt key: 36 characters, `hyperp-` + 29 hex. */
export const startedBy = (key: string): string => STARTED_BY_PREFIX + taggedHash('startedBy', key, 29);
