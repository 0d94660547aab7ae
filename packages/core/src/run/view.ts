/**
 * A run as people and programs read it — `hyperp run --json`, `hyperp runs show --json`, the
 * API's `GET /runs/{id}`, `hyperp cost RUN` — derived from the folded state alone, so a run looks
 * the same whichever adapter ran it. Only where things are differs (a job's output folder, an
 * attempt's log): the adapter says that through `ViewPlaces`.
 */
import { jobArtifactPath } from '../names/artifacts.js';
import type { AttemptRecord, JobRecord, RunState, TaskRecord } from './state.js';
import { vecToArray } from './vector.js';
import type { Command } from './commands.js';
import { commandRetriesOf } from './command-retries.js';
import type { RunInputs } from '../workflow/inputs.js';

/** One attempt of one task. */
export interface TaskAttemptView {
  /** The task's TASK_INDEX. */
  readonly index: number;
  readonly attempt: number;
  readonly status: string;
  /** The first essential container's exit code (else any container's); null before it stopped. */
  readonly exitCode: number | null;
  /** From RUNNING (or the launch) to STOPPED; null while it runs. */
  readonly durationSeconds: number | null;
  readonly costUsd: number;
  /** Where its output is: a file locally, a CloudWatch log stream on AWS; null before it has one. */
  readonly logFile: string | null;
}

/** A job as `runView` shows it: status, tasks and their attempts, cost. */
export interface JobView {
  readonly name: string;
  readonly status: string;
  /** Task attempts of the job, retries included. */
  readonly attempts: number;
  /** The job's `/output` folder (the earlier run's for a job a rerun reused). */
  readonly outputDir: string;
  readonly costUsd: number;
  /** One element per attempt, task by task. */
  readonly tasks: readonly TaskAttemptView[];
}

/**
 * A command that failed and was sent again (or given up): what a run waiting on AWS is waiting
 * for. Launches count on their attempt or build; other commands keep their last failure.
 */
export interface RetryView {
  /** The command's tag: `RegisterTaskDefinition`, `RunTask`, `BuildImage`, `StopTask`, … */
  readonly command: string;
  /** What it is for: a job, `job #index attempt n`, or `image <key prefix>`. */
  readonly target: string;
  readonly failures: number;
  /** The last failure as the outside world said it; null for launches (their reason ends the attempt). */
  readonly reason: string | null;
  /** When it is sent again; null when it is not waiting. */
  readonly nextAt: number | null;
  readonly gaveUp: boolean;
}

/** A run as `hyperp runs show --json` prints it: the run, its jobs and every task attempt. */
export interface RunView {
  readonly runId: string;
  readonly workflow: string;
  readonly commit: string;
  readonly status: string;
  readonly costUsd: number;
  readonly jobs: readonly JobView[];
  /** Commands that failed and were retried; empty on a run AWS never refused. */
  readonly retries: readonly RetryView[];
  /** The run's inputs (defaults filled in); absent for a workflow without inputs. */
  readonly inputs?: RunInputs;
}

/** Where an adapter keeps what the view points at. */
export interface ViewPlaces {
  /** A job's output folder, from its path in the artifact layout (`{commit}/{runId}/{wfHash}/{jobHash}`). */
  readonly outputDir: (artifactPath: string, job: string) => string;
  /** An attempt's log, or null when it has none yet. */
  readonly logFile: (job: string, index: number, attempt: AttemptRecord) => string | null;
}

/** Dollars rounded to a millionth of a cent: what views show (sums of floats carry noise below that). */
export const viewUsd = (x: number): number => Math.round(x * 1e8) / 1e8;

/** The status of one attempt: its outcome, else (for the current one) the task's. */
const attemptStatus = (task: TaskRecord, a: AttemptRecord, current: boolean): string =>
  a.outcome ?? (current ? task.status : a.lastStatus ?? 'PENDING');

const exitCodeOf = (a: AttemptRecord, essential: readonly string[]): number | null => {
  for (const name of essential) {
    const c = a.exitCodes[name];
    if (c !== undefined && c !== null) return c;
  }
  return Object.values(a.exitCodes).find((c) => c !== null) ?? null;
};

const durationOf = (a: AttemptRecord): number | null => {
  const start = a.runningAt ?? a.launchedAt;
  return start !== null && a.stoppedAt !== null ? Math.max(0, a.stoppedAt - start) / 1000 : null;
};

const jobView = (state: RunState, job: JobRecord, j: number, places: ViewPlaces): JobView => {
  const essential = state.graph?.essential[j] ?? [];
  const tasks = vecToArray(job.tasks).flatMap((t) =>
    t.attempts.map((a, i): TaskAttemptView => ({
      index: t.index,
      attempt: a.attempt,
      status: attemptStatus(t, a, i === t.attempts.length - 1),
      exitCode: exitCodeOf(a, essential),
      durationSeconds: durationOf(a),
      costUsd: viewUsd(a.costUsd),
      logFile: places.logFile(job.name, t.index, a),
    })),
  );
  const scope = { commit: state.request?.commit ?? '', runId: job.outputRunId, workflow: state.request?.workflow.name ?? '' };
  return {
    name: job.name,
    status: job.status,
    attempts: tasks.length,
    outputDir: places.outputDir(jobArtifactPath(scope, job.name), job.name),
    costUsd: viewUsd(job.costUsd),
    tasks,
  };
};

const commandTarget = (c: Command): string => {
  switch (c._tag) {
    case 'RegisterTaskDefinition':
    case 'CreateDownloadable':
      return c.job;
    case 'StopTask':
      return c.attemptKey;
    case 'EnsureDirectories':
      return 'artifact folders';
    default:
      return c._tag;
  }
};

/** Failed commands, then launches that were refused and tried again. */
export const retriesView = (state: RunState): RetryView[] => [
  ...commandRetriesOf(state).map((r) => ({
    command: r.command._tag, target: commandTarget(r.command), failures: r.failures, reason: r.reason, nextAt: r.retryAt, gaveUp: r.gaveUp,
  })),
  ...vecToArray(state.images).flatMap((img) => ((img.throttled ?? 0) === 0 ? [] : [{
    command: 'BuildImage', target: `image ${img.key.slice(0, 12)}`, failures: img.throttled ?? 0, reason: null,
    nextAt: null, gaveUp: img.status === 'FAILED',
  }])),
  ...vecToArray(state.jobs).flatMap((job) => vecToArray(job.tasks).flatMap((t) => t.attempts.flatMap((a) => (a.throttled === 0 ? [] : [{
    command: 'RunTask', target: `${job.name} #${t.index} attempt ${a.attempt}`, failures: a.throttled, reason: null,
    nextAt: null, gaveUp: a.outcome === 'FAILED' && a.launchedAt !== null && a.taskArn === null,
  }])))),
];

/**
 * The one reading of a run for people and tools: the run, its jobs and every task attempt with
 * status, exit code, duration and cost; `places` says where outputs and logs are.
 */
export const runView = (state: RunState, places: ViewPlaces): RunView => ({
  runId: state.runId ?? '',
  workflow: state.request?.workflow.name ?? '',
  commit: state.request?.commit ?? '',
  status: state.status,
  costUsd: viewUsd(state.cost.totalUsd),
  jobs: vecToArray(state.jobs).map((job, j) => jobView(state, job, j, places)),
  retries: retriesView(state),
  ...(state.request?.inputs !== undefined ? { inputs: state.request.inputs } : {}),
});

/** What a run's cost rests on, beyond the per-task figures of its view. */
export interface RunCostBasis {
  /** The Region whose Fargate prices apply. */
  readonly region: string;
  readonly spot: boolean;
  /** True once the run ended: the figures will not change. */
  readonly final: boolean;
  readonly tasksUsd: number;
  readonly buildsUsd: number;
  readonly vcpuSeconds: number;
  readonly gbSeconds: number;
}

/** What a run's cost view needs from its state (price region, capacity, totals); give it to `runCostView`. */
export const runCostBasis = (state: RunState): RunCostBasis => ({
  region: state.request?.settings.priceRegion ?? 'us-east-1',
  spot: state.request?.settings.spot === true,
  final: state.finishedAt !== null,
  tasksUsd: viewUsd(state.cost.tasksUsd),
  buildsUsd: viewUsd(state.cost.buildsUsd),
  vcpuSeconds: state.cost.vcpuSeconds,
  gbSeconds: state.cost.gbSeconds,
});

/** `hyperp cost RUN --json`: the cost per task attempt, per job, builds apart, and the total. */
export interface RunCostView extends RunCostBasis {
  readonly runId: string;
  readonly totalUsd: number;
  readonly jobs: readonly {
    readonly name: string;
    readonly costUsd: number;
    readonly tasks: readonly Pick<TaskAttemptView, 'index' | 'attempt' | 'durationSeconds' | 'costUsd'>[];
  }[];
}

/** From a view and its basis, so a client holding only the API's answer derives the same report. */
export const runCostView = (v: RunView, basis: RunCostBasis): RunCostView => ({
  runId: v.runId,
  region: basis.region,
  spot: basis.spot,
  final: basis.final,
  totalUsd: v.costUsd,
  tasksUsd: basis.tasksUsd,
  buildsUsd: basis.buildsUsd,
  vcpuSeconds: basis.vcpuSeconds,
  gbSeconds: basis.gbSeconds,
  jobs: v.jobs.map((j) => ({
    name: j.name,
    costUsd: j.costUsd,
    tasks: j.tasks.map((t) => ({ index: t.index, attempt: t.attempt, durationSeconds: t.durationSeconds, costUsd: t.costUsd })),
  })),
});

/** A run's line in a listing (`hyperp runs list`); the adapter adds where it came from. */
export interface RunSummaryView {
  readonly runId: string;
  readonly workflow: string;
  readonly commit: string;
  readonly status: string;
  readonly costUsd: number;
  readonly requestedAt: number | null;
  readonly finishedAt: number | null;
}

/** A run in one line of a listing: id, workflow, status, times, jobs and cost. */
export const runSummaryView = (state: RunState): RunSummaryView => ({
  runId: state.runId ?? '',
  workflow: state.request?.workflow.name ?? '',
  commit: state.request?.commit ?? '',
  status: state.status,
  costUsd: viewUsd(state.cost.totalUsd),
  requestedAt: state.requestedAt,
  finishedAt: state.finishedAt,
});
