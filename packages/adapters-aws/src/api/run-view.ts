/**
 * `GET /runs/{runId}` and `GET /runs/{runId}/detail`. The first: core's view of the run — the shape `hyperp runs show --json` prints for a
 * local run — with the places of this deployment (a job's folder on EFS, an attempt's CloudWatch
 * log stream) and what only the AWS side knows (repository, branch, trigger), plus the reasons,
 * downloadables and task ARNs a person looking into a run on AWS wants.
 */
import { runCostBasis, runView as coreRunView, vecGet, vecToArray, type RunState, type ViewPlaces } from '@hyperp/core';
import {
  logStreamName,
  logStreamPrefix,
  type ApiJobView,
  runDetail as coreRunDetail,
  type ApiRunDetail,
  type ApiRunView,
  type ApiTaskView,
} from '@hyperp/core/internal';
import type { AwsConfig } from '../config.js';
import type { RunMeta } from '../run/meta.js';

type Places = Pick<AwsConfig, 'efsRootDirectory'>;

/** Job folders under the EFS access point's root; logs in the stream the awslogs driver names for the first container. */
export const awsPlaces = (config: Places, run: RunState): ViewPlaces => {
  const runId = run.runId ?? '';
  const workflow = run.request?.workflow.name ?? '';
  const firstContainer = (job: string): string =>
    run.request?.workflow.jobs.find((j) => j.name === job)?.taskDefinition.containerDefinitions[0]?.name ?? '';
  const root = config.efsRootDirectory.replace(/\/+$/, '');
  return {
    outputDir: (artifactPath) => `${root}/${artifactPath}`,
    logFile: (job, _index, a) => (a.taskArn === null ? null : logStreamName(logStreamPrefix(runId, workflow, job), firstContainer(job), a.taskArn)),
  };
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const runView = (meta: RunMeta, run: RunState, config: Places & Pick<AwsConfig, 'taskLogGroup'>): ApiRunView => {
  const view = coreRunView(run, awsPlaces(config, run));
  const records = vecToArray(run.jobs);
  return {
    ...view,
    runId: meta.runId,
    repo: meta.repo,
    branch: meta.branch,
    trigger: meta.trigger,
    requestedAt: iso(run.requestedAt),
    finishedAt: iso(run.finishedAt),
    failure: run.failure,
    logGroup: config.taskLogGroup,
    cost: runCostBasis(run),
    jobs: view.jobs.map((j, i): ApiJobView => {
      const job = records[i]!;
      return {
        ...j,
        reason: job.reason,
        downloadable: job.downloadable ? { status: job.downloadable.status, location: job.downloadable.location, bytes: job.downloadable.bytes, reason: job.downloadable.reason } : null,
        tasks: j.tasks.map((t) => ({
          ...t,
          taskArn: vecGet(job.tasks, t.index - 1)?.attempts.find((a) => a.attempt === t.attempt)?.taskArn ?? null,
        })),
      };
    }),
    ignoredEvents: run.diagnostics.ignored,
  };
};

/**
 * The run as `hyperp ui` draws it: core's detail (edges, images, attempt times, critical path —
 * names, statuses, times and costs, no task definition) with what the deployment recorded of it.
 */
export const runDetailView = (meta: RunMeta, run: RunState): ApiRunDetail => ({
  ...coreRunDetail(run),
  runId: meta.runId,
  repo: meta.repo,
  branch: meta.branch,
  trigger: meta.trigger,
});
