/**
 * The pull request summary comment (core's `pullRequestComment`): when a run ends, every open pull
 * request whose head is the run's commit gets its one hyperp comment created or edited, with the
 * latest run of each workflow of that commit — but not those whose YAML says
 * `pullRequestComment: false` — and the cost change against the base branch's last ended run of
 * the same workflow (on another commit). A failure is thrown: the check reporter keeps the run
 * pending, and the next step or the sweep sends the comment again.
 */
import { isTerminalRun, type RunStatus } from '@hyperp/core';
import { pullRequestComment, pullRequestCommentMarker, type PullRequestRow } from '@hyperp/core/internal';
import type { GitHub } from '../github/app-client.js';
import { openPullRequestsAt, upsertMarkedComment } from '../github/pull-requests.js';
import type { RunSummary } from '../store/run-listing.js';
import type { Store } from '../store/store.js';
import { storedRunOf } from '../run/stored-run.js';

export interface PullRequestSummaryDeps {
  readonly store: Store;
  readonly github: (installationId: number) => GitHub;
}

const latestPerWorkflow = (runs: readonly RunSummary[], keep: (r: RunSummary) => boolean): Map<string, RunSummary> => {
  const out = new Map<string, RunSummary>();
  // Listings are newest first.
  for (const r of runs) if (keep(r) && !out.has(r.workflow)) out.set(r.workflow, r);
  return out;
};

export const pullRequestSummary = (d: PullRequestSummaryDeps) =>
  async (p: { readonly repo: string; readonly installationId: number; readonly commit: string; readonly number?: number }): Promise<number> => {
    const gh = d.github(p.installationId);
    // Every open pull request at the commit, or only the one an event named.
    const pulls = (await openPullRequestsAt(gh, p.repo, p.commit)).filter((pr) => p.number === undefined || pr.number === p.number);
    if (pulls.length === 0) return 0;
    const here = latestPerWorkflow((await d.store.listing.list({ by: 'commit', repo: p.repo, commit: p.commit }, { limit: 100 })).runs, () => true);
    const shown: RunSummary[] = [];
    for (const r of here.values()) {
      const saved = await d.store.states.load(r.runId);
      const run = saved ? storedRunOf(saved).state.run : undefined;
      if (run?.request?.workflow.pullRequestComment !== false) shown.push(r);
    }
    if (shown.length === 0) return 0;
    for (const pr of pulls) {
      const base = latestPerWorkflow(
        (await d.store.listing.list({ by: 'branch', repo: p.repo, branch: pr.baseRef }, { limit: 100 })).runs,
        (r) => r.commit !== p.commit && isTerminalRun(r.status as RunStatus),
      );
      const rows: PullRequestRow[] = shown.map((r) => ({
        workflow: r.workflow, status: r.status, costUsd: r.costUsd ?? 0, baseCostUsd: base.get(r.workflow)?.costUsd ?? null, runId: r.runId,
      }));
      await upsertMarkedComment(gh, p.repo, pr.number, pullRequestCommentMarker, pullRequestComment({ commit: p.commit, baseBranch: pr.baseRef, rows }));
    }
    return pulls.length;
  };
