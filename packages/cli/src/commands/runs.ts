/**
 * `hyperp runs list` and `hyperp runs show RUN`: the runs of this machine, or of the deployment
 * (remote mode). Listing this machine's runs is what people type most and wait on: this module
 * loads the local list's code alone; `show` and remote mode load theirs when they run.
 */
import type { Register } from '../program.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import type { RemoteListOptions } from '../remote/runs.js';
import { listLocalRuns } from '../local/list-runs.js';

export const registerRuns: Register = (program, run) => {
  const runs = program.command('runs').description('list and inspect runs (of this machine, or of the deployment in remote mode)');
  withBackendOptions(
    runs
      .command('list')
      .description('the runs under .hyperp/, oldest first (remote: the newest --limit runs of the repository)')
      .option('--repo <dir|owner/name>', 'repository folder (remote: owner/name, or a folder whose GitHub origin names it)')
      .option('--workflow <name>', 'only runs of this workflow')
      .option('--branch <name>', 'only runs of this branch')
      .option('--commit <sha>', 'only runs of this commit (locally: a prefix)')
      .option('--limit <n>', 'remote: how many runs (default 20)')
      .option('--json', 'print as JSON'),
  ).action((opts: RemoteListOptions & BackendOptions) =>
    run(async (ctx) => {
      const backend = backendOf(ctx, opts);
      if (backend._tag === 'Remote') return (await import('../remote/runs.js')).remoteRunsList(ctx, backend.api, opts);
      return listLocalRuns(ctx, opts);
    }),
  );
  withBackendOptions(
    runs
      .command('show')
      .description('one run: its jobs, task attempts, exit codes, durations, costs and log files')
      .argument('<run>', 'run id (locally a unique prefix too), or "last"')
      .option('--repo <dir|owner/name>', 'repository folder (remote: owner/name, for "last")')
      .option('--json', 'print as JSON (one element of `hyperp run --json`)'),
  ).action((given: string, opts: { repo?: string; json?: boolean } & BackendOptions) =>
    run(async (ctx) => {
      const backend = backendOf(ctx, opts);
      if (backend._tag === 'Remote') return (await import('../remote/runs.js')).remoteRunsShow(ctx, backend.api, given, opts);
      return (await import('../local/show-run.js')).showLocalRun(ctx, given, opts);
    }),
  );
};
