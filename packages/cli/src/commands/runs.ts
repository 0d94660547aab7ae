/** `hyperp runs list` and `hyperp runs show RUN`: the local runs and their jobs and tasks. */
import { foldRun, listRunIds, runView } from '@hyperp/adapters-local';
import type { Register } from '../program.js';
import { ExitCode } from '../context.js';
import { findRun, layoutOf } from '../local/repo.js';
import { printRuns } from './run.js';

export const registerRuns: Register = (program, run) => {
  const runs = program.command('runs').description('list and inspect the runs of this machine');
  runs
    .command('list')
    .description('every run under .hyperp/, oldest first')
    .option('--repo <dir>', 'repository folder')
    .option('--json', 'print as JSON')
    .action((opts: { repo?: string; json?: boolean }) =>
      run(async (ctx) => {
        const layout = layoutOf(ctx, opts.repo);
        const rows = listRunIds(layout).map((id) => {
          const { state } = foldRun(layout, id);
          const v = runView(state, layout);
          return { runId: id, workflow: v.workflow, commit: v.commit, status: v.status, costUsd: v.costUsd, requestedAt: state.requestedAt === null ? null : new Date(state.requestedAt).toISOString() };
        });
        if (opts.json) ctx.out(JSON.stringify({ runs: rows }, null, 2) + '\n');
        else if (rows.length === 0) ctx.out(`no runs under ${layout.root}\n`);
        else for (const r of rows) ctx.out(`${r.runId}  ${r.status.padEnd(9)}  ${r.workflow}  ${r.commit.slice(0, 12)}  $${r.costUsd.toFixed(4)}\n`);
        return ExitCode.ok;
      }),
    );
  runs
    .command('show')
    .description('one run: its jobs, task attempts, exit codes, durations, costs and log files')
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .option('--repo <dir>', 'repository folder')
    .option('--json', 'print as JSON (one element of `hyperp run --json`)')
    .action((given: string, opts: { repo?: string; json?: boolean }) =>
      run(async (ctx) => {
        const layout = layoutOf(ctx, opts.repo);
        const { state } = foldRun(layout, findRun(layout, given));
        if (opts.json) ctx.out(JSON.stringify(runView(state, layout), null, 2) + '\n');
        else printRuns(ctx, [state], layout, false);
        return ExitCode.ok;
      }),
    );
};
