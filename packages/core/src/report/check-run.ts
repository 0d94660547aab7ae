/**
 * What a GitHub check run shows of a run, derived from the folded state alone (plus the log tails
 * the adapter fetched): its status and conclusion, a one-line title, and a Markdown summary with
 * the job table, the images and why each was built or reused, the cost, and every failed job's
 * reason and last log lines. Pure: the adapter sends it (Checks API, "Create a check run" and
 * "Update a check run", read 2026-12), and decides nothing about what it says.
 */
import { logStreamName, logStreamPrefix } from '../names/logs.js';
import type { AttemptRecord, JobRecord, RunState } from '../run/state.js';
import { isTerminalRun } from '../run/state.js';
import { vecToArray } from '../run/vector.js';
import { clipText, mdCell, mdDuration, mdFence, mdText, mdUsd } from './markdown.js';
import { plural } from '../text/plural.js';

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion = 'success' | 'failure' | 'cancelled' | 'timed_out' | 'action_required' | 'neutral';

export interface CheckRunReport {
  readonly status: CheckStatus;
  /** Null until the run has ended. */
  readonly conclusion: CheckConclusion | null;
  readonly title: string;
  /** Markdown, at most `checkOutputMax` characters. */
  readonly summary: string;
}

/** What the adapter read for the report, outside the state. */
export interface CheckRunFacts {
  /** The last lines of each failed job's log, by job name (missing: not read, or none). */
  readonly logTails: Readonly<Record<string, readonly string[]>>;
}

/** `output.summary` and `output.text` take at most 65,535 characters (REST "Create a check run", read 2026-12). */
export const checkOutputMax = 65_535;
/** A check run's `name` (the workflow) is shown in one line; GitHub keeps names short. */
const NAME_MAX = 100;
/** Log lines shown per failed job, and characters per line: enough to see the error. */
export const logTailLines = 20;
const LOG_LINE_MAX = 400;
/** Failed jobs shown with their logs; the table lists all of them. */
const FAILED_JOBS_SHOWN = 10;

/** The check's name for a workflow: `hyperp/{workflow}`, as the commit status context was. */
export const checkRunName = (workflow: string): string => {
  const name = `hyperp/${workflow}`;
  return name.length <= NAME_MAX ? name : `${name.slice(0, NAME_MAX - 1)}…`;
};

export const checkStatusOf = (s: RunState): CheckStatus =>
  isTerminalRun(s.status) ? 'completed' : s.startedAt !== null ? 'in_progress' : 'queued';

const lastAttempts = (job: JobRecord): AttemptRecord[] =>
  vecToArray(job.tasks).flatMap((t) => (t.attempts.length === 0 ? [] : [t.attempts[t.attempts.length - 1]!]));

/** A job that failed because a deadline (`timeoutSeconds`) stopped one of its tasks. */
const timedOut = (job: JobRecord): boolean => job.status === 'FAILED' && lastAttempts(job).some((a) => a.outcome === 'FAILED' && a.timedOut);

export const checkConclusionOf = (s: RunState): CheckConclusion | null => {
  switch (s.status) {
    case 'SUCCEEDED':
      return 'success';
    case 'CANCELLED':
      return 'cancelled';
    case 'FAILED': {
      // A request that could not start is the workflow's to fix, not a job's failure.
      if (s.graph === null) return 'action_required';
      const failed = vecToArray(s.jobs).filter((j) => j.status === 'FAILED');
      return failed.length > 0 && failed.every(timedOut) ? 'timed_out' : 'failure';
    }
    default:
      return null;
  }
};

const icon: Readonly<Record<string, string>> = {
  SUCCEEDED: '✅', FAILED: '❌', CANCELLED: '🚫', SKIPPED: '⏭️', RUNNING: '⏳', READY: '🕓', PENDING: '🕓', BUILDING: '🔨',
};

const jobDuration = (job: JobRecord, now: number): string =>
  job.startedAt === null ? '–' : mdDuration((job.finishedAt ?? now) - job.startedAt);

const jobTasks = (s: RunState, job: JobRecord, j: number): string => {
  const total = job.tasks.size > 0 ? job.tasks.size : s.request?.workflow.jobs[j]?.concurrency ?? 0;
  return `${job.taskCounts.SUCCEEDED}/${total}`;
};

const title = (s: RunState): string => {
  const jobs = vecToArray(s.jobs);
  const done = jobs.filter((j) => j.finishedAt !== null).length;
  const cost = mdUsd(s.cost.totalUsd);
  switch (s.status) {
    case 'SUCCEEDED':
      return `${plural(jobs.length, 'job')} succeeded · ${cost}`;
    case 'FAILED': {
      const failed = jobs.filter((j) => j.status === 'FAILED').map((j) => j.name);
      if (failed.length === 0) return `Failed: ${s.failure ?? 'the run could not go on'}`.slice(0, 200);
      return `${failed.length === 1 ? failed[0] : `${failed.length} jobs`} failed · ${cost}`.slice(0, 200);
    }
    case 'CANCELLED':
      return `Cancelled · ${cost}`;
    default:
      return s.startedAt === null
        ? `Queued: ${plural(jobs.length, 'job')}, ${plural(vecToArray(s.images).filter((i) => i.status !== 'REUSED' && i.status !== 'UNUSED').length, 'image build')}`
        : `Running: ${done} of ${plural(jobs.length, 'job')} done · ${cost} so far`;
  }
};

const header = (s: RunState): string => {
  const r = s.request;
  const when = s.requestedAt === null ? '' : ` in ${mdDuration((s.finishedAt ?? s.now) - s.requestedAt)}`;
  const status = isTerminalRun(s.status) ? `**${s.status}**${when}` : `**${s.status}** so far${when}`;
  const where = r === null ? '' : ` of \`${mdText(r.commit.slice(0, 12))}\` on ${mdText(r.branch)}`;
  const why = s.failure !== null && s.status === 'FAILED' ? `\n\n${mdText(s.failure)}` : s.cancel !== null ? `\n\nCancelled: ${mdText(s.cancel.reason)}` : '';
  return `Run \`${mdText(s.runId ?? '')}\`${where}: ${status}${why}${inputsLine(s)}`;
};

/** The run's inputs (defaults filled in), as the run's jobs read them; none for a workflow without. */
const inputsLine = (s: RunState): string => {
  const inputs = Object.entries(s.request?.inputs ?? {});
  return inputs.length === 0 ? '' : `\n\nInputs: ${inputs.map(([k, v]) => `${mdText(k)} = ${mdText(JSON.stringify(v))}`).join(', ')}`;
};

const jobTable = (s: RunState): string => {
  const rows = vecToArray(s.jobs).map((job, j) =>
    `| ${mdCell(job.name)} | ${icon[job.status] ?? ''} ${job.status.toLowerCase()} | ${jobTasks(s, job, j)} | ${jobDuration(job, s.now)} | ${mdUsd(job.costUsd)} |`);
  return ['| job | status | tasks | duration | cost |', '| --- | --- | --- | --- | ---: |', ...rows].join('\n');
};

const imageStatus: Readonly<Record<string, string>> = {
  REUSED: 'reused', QUEUED: 'to build', BUILDING: 'building', BUILT: 'built', FAILED: 'build failed', UNUSED: 'not needed',
};

const imageTable = (s: RunState): string => {
  const images = vecToArray(s.images);
  const plans = new Map((s.request?.plan.jobs ?? []).flatMap((j) => j.images.map((i) => [i.key, i] as const)));
  if (images.length === 0) return '';
  const rows = images.map((img, i) => {
    const g = s.graph?.images[i];
    const why = plans.get(img.key)?.reason ?? '';
    const failed = img.status === 'FAILED' && img.reason !== null ? ` (${img.reason})` : '';
    return `| ${mdCell(g ? `${g.job} / ${g.container}` : '')} | \`${img.key.slice(0, 12)}\` | ${imageStatus[img.status] ?? img.status}${mdCell(failed)} | ${mdCell(why)} | ${img.costUsd > 0 ? mdUsd(img.costUsd) : '–'} |`;
  });
  const built = images.filter((i) => i.status === 'BUILT').length;
  const reused = images.filter((i) => i.status === 'REUSED').length;
  return [`### Images: ${built} built, ${reused} reused`, '', '| job / container | image | status | why | build cost |', '| --- | --- | --- | --- | ---: |', ...rows].join('\n');
};

const failedJobs = (s: RunState, facts: CheckRunFacts): string => {
  const failed = vecToArray(s.jobs).filter((j) => j.status === 'FAILED');
  if (failed.length === 0) return '';
  const parts = failed.slice(0, FAILED_JOBS_SHOWN).map((job) => {
    const tail = (facts.logTails[job.name] ?? []).slice(-logTailLines).map((l) => (l.length > LOG_LINE_MAX ? `${l.slice(0, LOG_LINE_MAX)}…` : l));
    const log = tail.length === 0 ? '' : `\n\nLast ${tail.length} log line${tail.length === 1 ? '' : 's'}:\n\n${mdFence(tail)}`;
    return `#### ❌ ${mdText(job.name)}\n\n${mdText(job.reason ?? 'failed')}${log}`;
  });
  const more = failed.length > FAILED_JOBS_SHOWN ? `\n\n…and ${failed.length - FAILED_JOBS_SHOWN} more failed jobs (see the table).` : '';
  return `### Failed jobs\n\n${parts.join('\n\n')}${more}`;
};

const costLine = (s: RunState): string =>
  `**Total cost${isTerminalRun(s.status) ? '' : ' so far'}: ${mdUsd(s.cost.totalUsd)}** (tasks ${mdUsd(s.cost.tasksUsd)}, image builds ${mdUsd(s.cost.buildsUsd)}; Fargate ${s.request?.settings.spot ? 'Spot' : 'on-demand'} prices, ${mdText(s.request?.settings.priceRegion ?? '')})`;

export const checkRunReport = (s: RunState, facts: CheckRunFacts): CheckRunReport => {
  const sections = [header(s), jobTable(s), imageTable(s), costLine(s), failedJobs(s, facts)].filter((x) => x !== '');
  return {
    status: checkStatusOf(s),
    conclusion: checkConclusionOf(s),
    title: title(s),
    summary: clipText(sections.join('\n\n'), checkOutputMax),
  };
};

/** A failed job's log to read for the report: its last failed attempt's first essential container. */
export interface FailedJobLog {
  readonly job: string;
  /** CloudWatch Logs stream name (`names/logs.ts`). */
  readonly stream: string;
}

export const failedJobLogs = (s: RunState): FailedJobLog[] => {
  const runId = s.runId;
  const workflow = s.request?.workflow.name;
  if (runId === null || workflow === undefined) return [];
  return vecToArray(s.jobs).flatMap((job, j) => {
    if (job.status !== 'FAILED') return [];
    const failed = lastAttempts(job).filter((a) => a.outcome === 'FAILED' && a.taskArn !== null);
    const a = failed[0];
    const container = s.graph?.essential[j]?.[0];
    if (a === undefined || container === undefined) return [];
    return [{ job: job.name, stream: logStreamName(logStreamPrefix(runId, workflow, job.name), container, a.taskArn!) }];
  }).slice(0, FAILED_JOBS_SHOWN);
};
