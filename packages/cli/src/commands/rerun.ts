/**
 * `hyperp rerun RUN [--failed]`: a new run of the same workflow at the same commit. With
 * --failed, jobs that succeeded are not run again: their outputs (in the earlier run's folders)
 * are the inputs of the jobs that run.
 */
import { foldRun, loadImageStore, openRun, rerunRequest, type Engine, type LocalLayout, type LocalSecrets } from '@hyperp/adapters-local';
import { describeRerunRefusal, runningJobsText, type RunRequested } from '@hyperp/core';
import type { Register } from '../program.js';
import { CliError, ExitCode, type CliContext } from '../context.js';
import { findRun, layoutOf, warnDamaged } from '../local/repo.js';
import { allSucceeded, driveAll, ENGINE_HELP, openEngine, parseEngine, parseParallel } from '../local/session.js';
import { printRuns } from '../views/print-runs.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteRerun } from '../remote/control.js';
import { localSecretsFor, secretMask, SECRETS_HELP } from '../local/secrets.js';

/** Opens the new run of a local rerun (its log holds the request); driving it is the caller's. */
export const startLocalRerun = async (
  ctx: CliContext, layout: LocalLayout, given: string, o: { failedOnly: boolean; engine?: string | undefined; secrets?: string | undefined },
): Promise<{ from: string; req: RunRequested; engine: Engine; secrets: LocalSecrets }> => {
  const from = findRun(layout, given);
  const { state: old, damagedLines } = foldRun(layout, from);
  warnDamaged(ctx, layout, from, damagedLines);
  const rerun = rerunRequest(old, { failedOnly: o.failedOnly, images: loadImageStore(layout.imagesDir, (w) => ctx.err(`${w}\n`)), now: Date.now() });
  if (!rerun.ok) {
    throw new CliError(rerun.issues.map((r) => (r._tag === 'NoRequest' ? `run ${from} has no request in its log` : describeRerunRefusal(r))).join('; '));
  }
  const req = rerun.value;
  const engine = await openEngine(parseEngine(o.engine), layout);
  const secrets = await localSecretsFor(layout.repoDir, o.secrets, [req.workflow]);
  await openRun(layout, req);
  return { from, req, engine, secrets };
};

export const registerRerun: Register = (program, run) => {
  withBackendOptions(program
    .command('rerun')
    .description('run a finished run again (with --failed, only its failed, skipped and cancelled jobs)')
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .option('--repo <dir>', 'repository folder')
    .option('--failed', 'reuse the outputs of the jobs that succeeded; run only the rest')
    .option('--engine <engine>', ENGINE_HELP, 'auto')
    .option('--parallel <n>', 'tasks and builds at once (default: the number of CPUs)')
    .option('--network', 'give tasks network access')
    .option('--secrets <path>', SECRETS_HELP)
    .option('--json', 'print the run as JSON')
    .option('--wait', 'remote: wait for the new run to end and print it (locally a rerun always waits)'))
    .action((given: string, opts: { repo?: string; failed?: boolean; engine?: string; parallel?: string; network?: boolean; json?: boolean; wait?: boolean; secrets?: string } & BackendOptions) =>
      run(async (ctx) => {
        const backend = backendOf(ctx, opts);
        if (backend._tag === 'Remote') return remoteRerun(ctx, backend.api, given, { ...opts, pollMs: backend.pollMs });
        const layout = layoutOf(ctx, opts.repo);
        const { from, req, engine, secrets } = await startLocalRerun(ctx, layout, given, { failedOnly: opts.failed === true, engine: opts.engine, secrets: opts.secrets });
        if (!opts.json) ctx.err(`run ${req.runId}: rerun of ${from}${opts.failed ? ' (failed jobs only)' : ''}: ${runningJobsText(req.workflow.jobs.length, req.reuse.length)}\n`);
        const states = await driveAll(ctx, [{ layout, runId: req.runId, engine, parallel: parseParallel(opts.parallel), network: opts.network === true, request: req, secrets }], opts.json === true);
        printRuns(ctx, states, layout, opts.json === true, {}, secretMask(secrets, [req.workflow]));
        return allSucceeded(states) ? ExitCode.ok : ExitCode.failed;
      }),
    );
};
