// Lambda entry point: the sweep (an EventBridge schedule, every minute), then the clean-up of
// access points (efs/access-points.ts) and secret files (efs/secret-sweep.ts) whose run ended
// without removing them.
import { invokeAsync } from '../aws/invoke.js';
import { invokeSync } from '../aws/invoke-sync.js';
import { defaultRetryPolicy } from '../aws/retry.js';
import { sweepAccessPoints } from '../efs/access-points.js';
import { sweepSecretFiles } from '../efs/secret-sweep.js';
import type { EfsRequest, EfsResponse } from '../handlers/efs.js';
import { sweepHandler } from '../handlers/sweep.js';
import { reportPendingChecks } from '../report/check-sweep.js';
import { checks, config, ecs, efs, gitHubApp, lambda, log, storeWithSpill } from '../production.js';

const activeRunIds = async (): Promise<ReadonlySet<string>> => {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await storeWithSpill().listing.list({ by: 'active' }, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const r of page.runs) ids.add(r.runId);
    cursor = page.cursor;
  } while (cursor);
  return ids;
};

export const handler = async () => {
  const report = await sweepHandler({
    store: storeWithSpill(), config: config(), ecs: ecs(), retry: defaultRetryPolicy, now: Date.now, log,
    restep: (runId, events) => invokeAsync(lambda(), config().stepperFunctionName, { runId, events }),
  })();
  const c = config();
  const accessPointsDeleted = await sweepAccessPoints(
    { efs: efs(), retry: defaultRetryPolicy, settings: { fileSystemId: c.efsFileSystemId, efsRootDirectory: c.efsRootDirectory, familyPrefix: c.familyPrefix } },
    activeRunIds,
  ).catch((e: unknown) => {
    log('access point clean-up failed; the next sweep tries again', { error: (e as Error).message });
    return 0;
  });
  const efsFunction = async (request: EfsRequest): Promise<EfsResponse> => {
    const r = await invokeSync(lambda(), c.efsFunctionName, request);
    if (r._tag !== 'Ok') throw new Error(`the efs function failed: ${r.message}`);
    return r.payload as EfsResponse;
  };
  const secretRunsCleaned = await sweepSecretFiles({ efs: efsFunction, activeRunIds, now: Date.now, log }).catch((e: unknown) => {
    log('secret file clean-up failed; the next sweep tries again', { error: (e as Error).message });
    return 0;
  });
  // Checks whose last report was lost or held back; GitHub's failures are the reporter's to log.
  const checksReported = await gitHubApp().ready()
    .then(() => reportPendingChecks({ store: storeWithSpill(), reporter: checks(), log }))
    .catch((e: unknown) => {
      log('pending checks were not reported; the next sweep tries again', { error: (e as Error).message });
      return 0;
    });
  return { ...report, accessPointsDeleted, secretRunsCleaned, checksReported };
};
