/**
 * The sweep's clean-up of secret files: the efs function lists the runs that still have secret
 * files on the file system (`secret-runs.ts`), and the folders of each run that is no longer
 * active go. A run's own end removes them; this is for the run whose removal failed past its
 * retries or never came. Records are listed before the active runs, and only records older than
 * `SECRET_RUN_GRACE_MS` are considered, so a run that is starting — its record written, its state
 * not yet visible in the active listing (a secondary index, eventually consistent) — keeps them.
 */
import type { EfsRequest, EfsResponse } from '../handlers/efs.js';

/** A record younger than this is never swept. */
export const SECRET_RUN_GRACE_MS = 10 * 60_000;

export interface SecretSweepDeps {
  /** Invokes the efs function synchronously; a function error is thrown. */
  readonly efs: (request: EfsRequest) => Promise<EfsResponse>;
  readonly activeRunIds: () => Promise<ReadonlySet<string>>;
  readonly now: () => number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

/** Removes the secret files of runs that ended; the number of runs cleaned. */
export const sweepSecretFiles = async (d: SecretSweepDeps): Promise<number> => {
  const listed = await d.efs({ op: 'secretRuns' });
  if (listed.op !== 'secretRuns') throw new Error(`the efs function answered ${listed.op} to secretRuns`);
  const old = listed.runs.filter((r) => d.now() - r.writtenAt >= SECRET_RUN_GRACE_MS);
  if (old.length === 0) return 0;
  const active = await d.activeRunIds();
  let cleaned = 0;
  for (const r of old) {
    if (active.has(r.runId)) continue;
    // One run's failure leaves the others to be cleaned; the next sweep tries it again.
    try {
      await d.efs({ op: 'rmdirs', runId: r.runId, paths: r.paths });
      cleaned++;
      d.log('secret files of an ended run removed by the sweep', { runId: r.runId, folders: r.paths.length });
    } catch (e) {
      d.log('secret files of an ended run not removed; the next sweep tries again', { runId: r.runId, error: (e as Error).message });
    }
  }
  return cleaned;
};
