/**
 * `hyperp resume RUN`: continues a run whose driving process stopped (crash, SIGKILL, closed
 * terminal) from its log: finished tasks are not run again; tasks that were running when the
 * process died are started again under the same attempt.
 */
import { driverLockFile, engineLabel, foldRun, tryLock } from '@hyperp/adapters-local';
import { isTerminalRun } from '@hyperp/core';
import type { Register } from '../program.js';
import { ExitCode } from '../context.js';
import { findRun, layoutOf, requestOf, warnDamaged } from '../local/repo.js';
import { allSucceeded, driveAll, ENGINE_HELP, openEngine, parseEngine, parseParallel } from '../local/session.js';
import { printRuns } from '../views/print-runs.js';
import { terminalSafe } from '../views/terminal-text.js';
import { localSecretsFor, secretMask, SECRETS_HELP } from '../local/secrets.js';

export const registerResume: Register = (program, run) => {
  program
    .command('resume')
    .description('continue a run whose hyperp process stopped, from its event log')
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .option('--repo <dir>', 'repository folder')
    .option('--engine <engine>', ENGINE_HELP, 'auto')
    .option('--parallel <n>', 'tasks and builds at once (default: the number of CPUs)')
    .option('--network', 'give tasks network access')
    .option('--secrets <path>', SECRETS_HELP)
    .option('--json', 'print the run as JSON')
    .option('--accept-damaged-log', 'resume although lines of the run\'s event log are damaged (they are skipped; finished tasks may run again)')
    .action((given: string, opts: { repo?: string; engine?: string; parallel?: string; network?: boolean; json?: boolean; acceptDamagedLog?: boolean; secrets?: string }) =>
      run(async (ctx) => {
        const layout = layoutOf(ctx, opts.repo);
        const runId = findRun(layout, given);
        const { state, damagedLines } = foldRun(layout, runId);
        warnDamaged(ctx, layout, runId, damagedLines);
        if (isTerminalRun(state.status)) {
          printRuns(ctx, [state], layout, opts.json === true);
          return state.status === 'SUCCEEDED' ? ExitCode.ok : ExitCode.failed;
        }
        const engine = await openEngine(parseEngine(opts.engine), layout);
        // Announce it only when no live process drives the run (driving it then fails with who does).
        const probe = tryLock(driverLockFile(layout, runId), 'resume');
        if (probe._tag !== 'Held') probe.release();
        if (probe._tag !== 'Held' && !opts.json) ctx.err(`run ${runId}: resuming ${terminalSafe(state.request?.workflow.name ?? '')} (${state.status} when its process stopped), engine ${engineLabel(engine)}\n`);
        const request = requestOf(state, runId);
        const secrets = await localSecretsFor(layout.repoDir, opts.secrets, [request.workflow]);
        const states = await driveAll(ctx, [{ layout, runId, engine, parallel: parseParallel(opts.parallel), network: opts.network === true, request, acceptDamagedLog: opts.acceptDamagedLog === true, secrets }], opts.json === true);
        printRuns(ctx, states, layout, opts.json === true, {}, secretMask(secrets, [request.workflow]));
        return allSucceeded(states) ? ExitCode.ok : ExitCode.failed;
      }),
    );
};
