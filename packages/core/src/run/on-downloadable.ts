/** A succeeded job's zip is ready, or could not be made (the job stays SUCCEEDED; the zip is marked failed). */
import type { DownloadableFailed, DownloadableReady, RunEvent } from './events.js';
import { inFlight, jobAt, knownJob, putJob } from './records.js';
import type { DownloadableRecord } from './state.js';
import { diagnose, type Tx } from './tx.js';

const settle = (tx: Tx, e: RunEvent, name: string, next: DownloadableRecord): void => {
  const known = knownJob(tx, e, name);
  if (known === undefined) return;
  const { j, job } = known;
  if (job.downloadable === null) {
    diagnose(tx, 'ImpossibleEvent', e, `job "${name}" was not zipped`);
    return;
  }
  if (job.downloadable.status !== 'PENDING') return;
  putJob(tx, j, { ...job, downloadable: next });
  inFlight(tx, { downloads: -1 });
};

export const onDownloadableReady = (tx: Tx, e: DownloadableReady): void =>
  settle(tx, e, e.job, { status: 'READY', location: e.location, bytes: e.bytes, reason: null });

/** A zip that will not be made (its command failed for good). */
export const downloadableFailed = (tx: Tx, j: number, reason: string): void => {
  const job = jobAt(tx, j);
  if (job?.downloadable?.status !== 'PENDING') return;
  putJob(tx, j, { ...job, downloadable: { status: 'FAILED', location: null, bytes: null, reason } });
  inFlight(tx, { downloads: -1 });
};

export const onDownloadableFailed = (tx: Tx, e: DownloadableFailed): void =>
  settle(tx, e, e.job, { status: 'FAILED', location: null, bytes: null, reason: e.reason });
