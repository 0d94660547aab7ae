/**
 * `hyperp cancel RUN`: appends a cancel request to the run's log. The process driving the run
 * sees it and stops everything; when no process drives it (it crashed), cancel drives the run
 * to its CANCELLED end itself. Remote mode asks the API, which appends the request to the run's log.
 */
import { appendLog, eventsFile, foldRun, tryLock, driverLockFile } from '@hyperp/adapters-local';
import { isTerminalRun } from '@hyperp/core';
import type { Register } from '../program.js';
import { CANCEL_REASON } from '../cancel-reason.js';
import { CliError, ExitCode } from '../context.js';
import { findRun, layoutOf, requestOf, warnDamaged } from '../local/repo.js';
import { driveAll, openEngine } from '../local/session.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteCancel } from '../remote/control.js';

export const registerCancel: Register = (program, run) => {
  withBackendOptions(program
    .command('cancel')
    .description('cancel a run: its tasks are stopped and it ends CANCELLED')
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .option('--repo <dir|owner/name>', 'repository folder (remote: owner/name, for "last")'))
    .action((given: string, opts: { repo?: string } & BackendOptions) =>
      run(async (ctx) => {
        const backend = backendOf(ctx, opts);
        if (backend._tag === 'Remote') return remoteCancel(ctx, backend.api, given, opts);
        const layout = layoutOf(ctx, opts.repo);
        const runId = findRun(layout, given);
        const { state: before, damagedLines } = foldRun(layout, runId);
        warnDamaged(ctx, layout, runId, damagedLines);
        if (isTerminalRun(before.status)) throw new CliError(`run ${runId} has already ended ${before.status}`);
        await appendLog(eventsFile(layout, runId), [{ _tag: 'CancelRequested', at: Date.now(), reason: CANCEL_REASON, by: 'cli' }]);
        const probe = tryLock(driverLockFile(layout, runId), 'cancel');
        if (probe._tag === 'Held') {
          ctx.out(`cancel requested; process ${probe.owner.pid} is stopping run ${runId}\n`);
          return ExitCode.ok;
        }
        probe.release();
        // Nothing was ever started for a run whose request is lost: the cancel in its log ends it.
        if (!before.request) {
          ctx.out(`run ${runId}: cancel recorded; its log has no request, so nothing of it can be running\n`);
          return ExitCode.ok;
        }
        const engine = await openEngine('process', layout).catch(() => openEngine('auto', layout));
        const [state] = await driveAll(ctx, [{ layout, runId, engine, parallel: 1, network: false, request: requestOf(before, runId), acceptDamagedLog: true }], true);
        ctx.out(`run ${runId}: ${state!.status}\n`);
        return ExitCode.ok;
      }),
    );
};
