/** `hyperp runs list` and `hyperp runs show RUN`: the runs of this machine, or of the deployment (remote mode). */
import { foldRun, listRunIds, runView, snapshotDirectory } from '@hyperp/adapters-local';
import { loadWorkflows, runSummaryView } from '@hyperp/core';
import { unknownWorkflowName } from '@hyperp/core/internal';
import type { Register } from '../program.js';
import { CliError, ExitCode } from '../context.js';
import { findRun, layoutOf, warnDamaged } from '../local/repo.js';
import { resumeCommand } from '../local/driver-state.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteRunsList, remoteRunsShow, type RemoteListOptions } from '../remote/runs.js';
import { listLine, type ListRow } from '../views/run-text.js';
import { printRuns } from '../views/print-runs.js';
import { terminalSafe } from '../views/terminal-text.js';
import { quietSecrets, secretMask } from '../local/secrets.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The names of the repository's workflows that load (a workflow without runs yet exists too). */
const workflowNames = async (repoDir: string): Promise<string[]> => {
  try {
    return loadWorkflows(await snapshotDirectory(repoDir)).workflows.map((w) => w.name);
  } catch {
    return []; // not readable as a repository: the runs' names are all there is
  }
};

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
      if (backend._tag === 'Remote') return remoteRunsList(ctx, backend.api, opts);
      const layout = layoutOf(ctx, opts.repo);
      const seen = new Set<string>();
      const rows: ListRow[] = listRunIds(layout).flatMap((id): ListRow[] => {
        let folded: ReturnType<typeof foldRun>;
        try {
          folded = foldRun(layout, id);
        } catch (e) {
          // One unreadable log (a folder in its place, no permission) is that run's problem only.
          if (opts.workflow !== undefined || opts.branch !== undefined || opts.commit !== undefined) return [];
          return [{ runId: id, workflow: '', commit: '', status: 'UNREADABLE', costUsd: 0, requestedAt: null, branch: '', finishedAt: null, problem: `its event log cannot be read: ${(e as Error).message}` }];
        }
        const { state, damagedLines } = folded;
        if (state.request) seen.add(state.request.workflow.name);
        if (opts.workflow !== undefined && state.request?.workflow.name !== opts.workflow) return [];
        if (opts.branch !== undefined && state.request?.branch !== opts.branch) return [];
        if (opts.commit !== undefined && !state.request?.commit.startsWith(opts.commit)) return [];
        const v = runSummaryView(state);
        const resumeWith = resumeCommand(layout, id, state, opts.repo, damagedLines.length > 0);
        return [{
          runId: id, workflow: v.workflow, commit: v.commit, status: v.status, costUsd: v.costUsd, requestedAt: iso(v.requestedAt),
          branch: state.request?.branch ?? '', finishedAt: iso(v.finishedAt),
          ...(damagedLines.length > 0 ? { damagedLines } : {}),
          ...(resumeWith !== undefined ? { resumeWith } : {}),
        }];
      });
      // A name no run and no workflow of the repository has is a mistake ("calculator" for "Calculator"), not an empty list.
      if (opts.workflow !== undefined && !seen.has(opts.workflow)) {
        const defined = await workflowNames(layout.repoDir);
        if (!defined.includes(opts.workflow)) throw new CliError(unknownWorkflowName(opts.workflow, [...seen, ...defined].sort()));
      }
      if (opts.json) ctx.out(JSON.stringify({ runs: rows }, null, 2) + '\n');
      else if (rows.length === 0) ctx.out(`no runs under ${layout.root}${opts.workflow !== undefined ? ` of workflow "${terminalSafe(opts.workflow)}"` : ''}\n`);
      else for (const r of rows) ctx.out(listLine(r));
      return ExitCode.ok;
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
      if (backend._tag === 'Remote') return remoteRunsShow(ctx, backend.api, given, opts);
      const layout = layoutOf(ctx, opts.repo);
      const runId = findRun(layout, given);
      const { state, damagedLines } = foldRun(layout, runId);
      warnDamaged(ctx, layout, runId, damagedLines);
      const resumeWith = resumeCommand(layout, runId, state, opts.repo, damagedLines.length > 0);
      const more = resumeWith !== undefined ? { resumeWith } : {};
      if (opts.json) ctx.out(JSON.stringify({ ...runView(state, layout), ...(damagedLines.length > 0 ? { damagedLines } : {}), ...more }, null, 2) + '\n');
      else printRuns(ctx, [state], layout, false, more, state.request ? secretMask(quietSecrets(layout.repoDir), [state.request.workflow]) : []);
      return ExitCode.ok;
    }),
  );
};
