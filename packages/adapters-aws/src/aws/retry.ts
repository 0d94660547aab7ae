/**
 * Retrying AWS calls that were throttled: exponential back-off with full jitter (a random wait
 * between 0 and base × 2^attempt, capped), the scheme AWS recommends in "Exponential Backoff And
 * Jitter" (AWS Architecture Blog, 2015; read 2026-11). The SDK's own retries stop after three
 * attempts. Used where a call is made outside a run's commands (the sweep, the planner's and the
 * API's reads); a run's commands never sleep: their failures go back to the reducer, which sends
 * them again through a wake-up (`interpret/interpreter.ts`).
 */

import { isThrottlingError } from './failure-class.js';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** [0, 1): Math.random in production, a fixed sequence in tests. */
  readonly random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 8,
  baseMs: 100,
  maxMs: 5_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

/** True for errors that say "slow down" rather than "this is wrong" (`failure-class.ts` decides). */
export const isThrottling = isThrottlingError;

export const withThrottlingRetry = async <T>(policy: RetryPolicy, call: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isThrottling(e) || attempt + 1 >= policy.attempts) throw e;
      const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
      await policy.sleep(Math.floor(policy.random() * cap));
    }
  }
};
