/** How often the remote commands ask the deployment's API. Apart from the waiting itself, so choosing the backend loads no core. */
import { UsageError } from '../context.js';

const POLL_MS = 2000;

/** `HYPERP_POLL_SECONDS`: how often `--follow` and `--wait` ask the API (default 2). */
export const pollMsOf = (env: Readonly<Record<string, string | undefined>>): number => {
  const given = env['HYPERP_POLL_SECONDS'];
  if (given === undefined || given === '') return POLL_MS;
  const s = Number(given);
  if (!(s > 0 && s <= 600)) throw new UsageError(`HYPERP_POLL_SECONDS must be a number of seconds above 0 and at most 600, not "${given}"`);
  return s * 1000;
};
