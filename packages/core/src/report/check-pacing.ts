/**
 * When a check run is worth sending again. GitHub's secondary rate limits ask integrations to
 * make "no more than 80 content-generating requests per minute" and to wait at least a second
 * between mutating requests (REST docs "Rate limits for the REST API" and "Best practices for
 * using the REST API", read 2026-12); a busy run changes several times a second. So a change of
 * status (queued → in_progress → completed) is sent at once, and so is the end, always; other
 * changes wait until `checkUpdateEveryMs` has passed since the last one sent. A change held back
 * goes out with the next step of the run or the sweep's next minute.
 */
import { taggedHash } from '../names/hash.js';
import type { CheckRunReport } from './check-run.js';

export const checkUpdateEveryMs = 5_000;

/** What was last sent for a run's check, kept by the adapter. */
export interface CheckSent {
  readonly status: CheckRunReport['status'];
  /** `checkReportDigest` of what was sent. */
  readonly digest: string;
  /** When it was sent (epoch ms). */
  readonly at: number;
}

export const checkReportDigest = (r: CheckRunReport): string =>
  taggedHash('check-report', `${r.status}\n${r.conclusion ?? ''}\n${r.title}\n${r.summary}`, 32);

export type CheckSendDecision = 'send' | 'unchanged' | 'later';

export const checkSendDecision = (sent: CheckSent | null, report: CheckRunReport, now: number): CheckSendDecision => {
  if (sent === null) return 'send';
  const digest = checkReportDigest(report);
  if (digest === sent.digest) return 'unchanged';
  if (report.status !== sent.status || report.status === 'completed') return 'send';
  return now - sent.at >= checkUpdateEveryMs ? 'send' : 'later';
};
