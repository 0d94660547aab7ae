/**
 * A re-run asked for from GitHub (`github/check-run-events.ts`), carried out by the planner
 * function (it holds the store and ECR's answer the rerun needs, and the webhook must answer at
 * once). The run must be the repository's and the installation's the event named: a valid
 * signature on an event naming another repository's run starts nothing.
 */
import type { GitHubRerunRequest } from '../github/check-run-events.js';
import { startRerun, type RerunDeps, type RerunOutcome } from '../run/rerun-request.js';
import { storedRunOf } from '../run/stored-run.js';

export type GitHubRerunOutcome = RerunOutcome | { readonly _tag: 'Duplicate'; readonly deliveryId: string };

export const rerunFromGitHub = (d: RerunDeps & { readonly log: (m: string, x?: Record<string, unknown>) => void }) =>
  async (r: GitHubRerunRequest): Promise<GitHubRerunOutcome> => {
    const saved = await d.store.states.load(r.runId);
    const meta = saved ? storedRunOf(saved).state.meta : undefined;
    if (!meta || meta.repo !== r.repo || meta.installationId !== r.installationId) {
      d.log('re-run from GitHub refused: the run is not the repository\'s the event names', { runId: r.runId, repo: r.repo, installationId: r.installationId });
      return { _tag: 'Refused', status: 404, reason: `no run ${r.runId} in ${r.repo}` };
    }
    // The run id of a rerun has its request's time in it; a redelivery (later) must not make a second.
    if ((await d.store.deliveries.claim(`rerun:${r.deliveryId}`, Math.floor(d.now() / 1000))) === 'duplicate') {
      return { _tag: 'Duplicate', deliveryId: r.deliveryId };
    }
    try {
      const outcome = await startRerun(d, r.runId, { requestId: `github:${r.deliveryId}`, failedOnly: r.failedOnly });
      d.log('re-run from GitHub', { from: r.runId, by: r.requestedBy, outcome });
      if (outcome._tag === 'Refused') await d.store.deliveries.release(`rerun:${r.deliveryId}`);
      return outcome;
    } catch (e) {
      // Not started: a retry of the invocation (or a redelivery) may try again.
      await d.store.deliveries.release(`rerun:${r.deliveryId}`);
      throw e;
    }
  };
