/**
 * `hyperp runs list` on this machine: one line per run under `.hyperp/runs/`, read from each
 * run's summary (`summary.json`, see the local runtime's summary-file.ts). Only a run without a
 * summary that fits its log has its log replayed, and only then is the reducer loaded: listing
 * starts almost as fast as Node itself, however many runs and events there are.
 */
import { listRunIds, readRunSummary, type LocalLayout, type RunSummary } from '@hyperp/adapters-local/summary';
import { CliError, ExitCode, type CliContext } from '../context.js';
import { listLine, type ListRow } from '../views/list-line.js';
import { terminalSafe } from '../views/terminal-text.js';
import { resumeCommandOf } from './driver-state.js';
import { layoutOf } from './layout.js';

export interface LocalListOptions {
  readonly repo?: string;
  readonly workflow?: string;
  readonly branch?: string;
  readonly commit?: string;
  readonly json?: boolean;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The names of the repository's workflows that load (a workflow without runs yet exists too). */
const workflowNames = async (repoDir: string): Promise<string[]> => {
  const [{ snapshotDirectory }, { loadWorkflows }] = await Promise.all([import('@hyperp/adapters-local'), import('@hyperp/core')]);
  try {
    return loadWorkflows(await snapshotDirectory(repoDir)).workflows.map((w) => w.name);
  } catch {
    return []; // not readable as a repository: the runs' names are all there is
  }
};

/** Each run's summary, or why its log cannot be read; the logs without a fitting summary are replayed. */
const summaries = async (layout: LocalLayout, ids: readonly string[]): Promise<(RunSummary | Error)[]> => {
  const read = ids.map((id) => readRunSummary(layout, id));
  if (read.every((s) => s !== undefined)) return read;
  const { replaySummary } = await import('./replay-summary.js');
  return read.map((s, i) => {
    if (s !== undefined) return s;
    try {
      return replaySummary(layout, ids[i]!);
    } catch (e) {
      return e as Error;
    }
  });
};

export const listLocalRuns = async (ctx: CliContext, opts: LocalListOptions): Promise<number> => {
  const layout = layoutOf(ctx, opts.repo);
  const ids = listRunIds(layout);
  const narrowed = opts.workflow !== undefined || opts.branch !== undefined || opts.commit !== undefined;
  const seen = new Set<string>();
  const rows = (await summaries(layout, ids)).flatMap((s, i): ListRow[] => {
    if (s instanceof Error) {
      // One unreadable log (a folder in its place, no permission) is that run's problem only.
      if (narrowed) return [];
      return [{ runId: ids[i]!, workflow: '', commit: '', status: 'UNREADABLE', costUsd: 0, requestedAt: null, branch: '', finishedAt: null, problem: `its event log cannot be read: ${s.message}` }];
    }
    if (s.requested) seen.add(s.workflow);
    // A run whose log lost its request matches no filter.
    if (narrowed && !s.requested) return [];
    if (opts.workflow !== undefined && s.workflow !== opts.workflow) return [];
    if (opts.branch !== undefined && s.branch !== opts.branch) return [];
    if (opts.commit !== undefined && !s.commit.startsWith(opts.commit)) return [];
    const damaged = s.damagedLines.length > 0;
    const resumeWith = resumeCommandOf(layout, s.runId, s, opts.repo, damaged);
    return [{
      runId: s.runId, workflow: s.workflow, commit: s.commit, status: s.status, costUsd: s.costUsd, requestedAt: iso(s.requestedAt),
      branch: s.branch, finishedAt: iso(s.finishedAt),
      ...(damaged ? { damagedLines: s.damagedLines } : {}),
      ...(resumeWith !== undefined ? { resumeWith } : {}),
    }];
  });
  // A name no run and no workflow of the repository has is a mistake ("calculator" for "Calculator"), not an empty list.
  if (opts.workflow !== undefined && !seen.has(opts.workflow)) {
    const defined = await workflowNames(layout.repoDir);
    if (!defined.includes(opts.workflow)) {
      const { unknownWorkflowName } = await import('@hyperp/core/internal');
      throw new CliError(unknownWorkflowName(opts.workflow, [...seen, ...defined].sort()));
    }
  }
  if (opts.json) ctx.out(JSON.stringify({ runs: rows }, null, 2) + '\n');
  else if (rows.length === 0) ctx.out(`no runs under ${layout.root}${opts.workflow !== undefined ? ` of workflow "${terminalSafe(opts.workflow)}"` : ''}\n`);
  else for (const r of rows) ctx.out(listLine(r));
  return ExitCode.ok;
};
