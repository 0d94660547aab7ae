// Lambda entry point: the planner (invoked asynchronously with a PlanRequest).
import { planner } from '../planner/planner.js';
import type { PlanRequest } from '../planner/request.js';
import { rerunFromGitHub } from '../planner/rerun-from-github.js';
import type { GitHubRerunRequest } from '../github/check-run-events.js';
import type { PullRequestSummaryRequest } from '../github/pull-request-events.js';
import { pullRequestSummary } from '../report/pull-request-reporter.js';
import { existingImageTags } from '../aws/ecr-images.js';
import { defaultRetryPolicy } from '../aws/retry.js';
import { config, ecr, gitHubApp, log, scheduler, storeWithSpill } from '../production.js';
import { scheduleSync } from '../schedules/sync.js';
import { grantsChecks } from '../github/app-client.js';

export const handler = async (request: PlanRequest | GitHubRerunRequest | PullRequestSummaryRequest) => {
  if (request.kind === 'rerun') {
    return rerunFromGitHub({
      store: storeWithSpill(), now: Date.now, log,
      imagesInRegistry: (tags) => existingImageTags(ecr(), config().ecrRepositoryUri, tags, defaultRetryPolicy),
    })(request);
  }
  const gh = gitHubApp();
  await gh.ready();
  if (request.kind === 'pull-request-summary') return { pullRequests: await pullRequestSummary({ store: storeWithSpill(), github: gh.client })(request) };
  return planner({
    store: storeWithSpill(), config: config(), github: gh.client, now: Date.now, log,
    usesChecks: (id) => grantsChecks(gh.client(id)),
    syncSchedules: scheduleSync({ scheduler: scheduler(), config: config(), log }),
    imagesInRegistry: (tags) => existingImageTags(ecr(), config().ecrRepositoryUri, tags, defaultRetryPolicy),
  })(request);
};
