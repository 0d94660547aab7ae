/**
 * A run as a picture draws it (the web view of `hyperp ui`, and the API's `GET /runs/{id}/detail`
 * that serves it for a deployment's runs): what `runView` says, plus the DAG's edges, each job's
 * fan-out counts, the images and why each was built, every attempt's times for a timeline, and
 * the critical path. Derived from the folded state alone, so a local run and a deployment's look
 * the same. Names, statuses, times and costs only: nothing of a task definition beyond its
 * containers' names, so no environment value or secret's place reaches it.
 */
import type { RunState } from './state.js';
import { vecToArray } from './vector.js';
import { runView, viewUsd, type ViewPlaces } from './view.js';

export interface DetailAttempt {
  readonly index: number;
  readonly attempt: number;
  readonly status: string;
  readonly exitCode: number | null;
  readonly reason: string | null;
  /** Epoch ms; null when not reached (yet). */
  readonly launchedAt: number | null;
  readonly runningAt: number | null;
  readonly stoppedAt: number | null;
  /** A retry's back-off: it may not be launched before this. */
  readonly notBefore: number | null;
  readonly durationSeconds: number | null;
  readonly costUsd: number;
}

export interface DetailImage {
  readonly key: string;
  readonly dockerfilePath: string;
  readonly jobs: readonly string[];
  readonly container: string;
  readonly action: 'build' | 'reuse';
  /** The plan's reason: "build: z/main.py changed since …", "reuse: key … exists". */
  readonly why: string;
  readonly changedFiles: readonly string[];
  readonly status: string;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly failure: string | null;
  readonly costUsd: number;
  readonly critical: boolean;
}

export interface DetailJob {
  readonly name: string;
  readonly status: string;
  /** Why it failed, was skipped or cancelled; how it was reused. */
  readonly reason: string | null;
  /** The DAG's edges into this job. */
  readonly dependsOn: readonly string[];
  readonly concurrency: number;
  readonly containers: readonly string[];
  readonly counts: { readonly done: number; readonly running: number; readonly failed: number; readonly waiting: number };
  readonly costUsd: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly attempts: readonly DetailAttempt[];
  readonly downloadable: boolean;
  readonly critical: boolean;
}

export interface RunDetail {
  readonly runId: string;
  readonly workflow: string;
  readonly commit: string;
  readonly branch: string;
  readonly trigger: string;
  readonly dirty: boolean;
  readonly status: string;
  readonly ended: boolean;
  readonly failure: string | null;
  readonly costUsd: number;
  readonly buildsUsd: number;
  readonly requestedAt: number | null;
  readonly finishedAt: number | null;
  /** The run's own clock: its latest event (bars of what still runs end here). */
  readonly now: number | null;
  readonly jobs: readonly DetailJob[];
  readonly images: readonly DetailImage[];
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const RUNNING = new Set(['LAUNCHING', 'STARTING', 'RUNNING', 'PENDING', 'PROVISIONING', 'ACTIVATING', 'DEPROVISIONING', 'STOPPING']);

/** A job's tasks by their newest attempt (the task's state); the rest of `concurrency` waits. */
export const fanOutCounts = (attempts: readonly { index: number; status: string }[], concurrency: number): DetailJob['counts'] => {
  const newest = new Map<number, string>();
  for (const a of attempts) newest.set(a.index, a.status);
  const statuses = [...newest.values()];
  const done = statuses.filter((s) => s === 'SUCCEEDED').length;
  const failed = statuses.filter((s) => s === 'FAILED').length;
  const running = statuses.filter((s) => RUNNING.has(s)).length;
  return { done, failed, running, waiting: Math.max(0, concurrency - done - failed - running) };
};

/**
 * The chain that decided when the run ended: from the job that finished last, back through the
 * dependency (or own image build) that finished last before it, to the first.
 */
const criticalPath = (state: RunState): { jobs: Set<number>; images: Set<number> } => {
  const jobs = new Set<number>();
  const images = new Set<number>();
  const graph = state.graph;
  if (!graph) return { jobs, images };
  const records = vecToArray(state.jobs);
  const imageRecords = vecToArray(state.images);
  const endOf = (t: number | null): number => t ?? state.now;
  let current: number | undefined;
  let latest = -Infinity;
  records.forEach((j, i) => {
    if (j.startedAt === null) return;
    if (endOf(j.finishedAt) >= latest) { latest = endOf(j.finishedAt); current = i; }
  });
  while (current !== undefined && !jobs.has(current)) {
    jobs.add(current);
    let next: { kind: 'job' | 'image'; i: number; end: number } | undefined;
    for (const d of graph.deps[current] ?? []) {
      const r = records[d];
      if (r?.finishedAt != null && (!next || r.finishedAt > next.end)) next = { kind: 'job', i: d, end: r.finishedAt };
    }
    for (const m of graph.jobImages[current] ?? []) {
      const r = imageRecords[m];
      if (r?.finishedAt != null && r.status === 'BUILT' && (!next || r.finishedAt > next.end)) next = { kind: 'image', i: m, end: r.finishedAt };
    }
    if (next?.kind === 'image') { images.add(next.i); break; }
    current = next?.i;
  }
  return { jobs, images };
};

/** The view's places do not matter here: the detail names no folder or log. */
const NOWHERE: ViewPlaces = { outputDir: () => '', logFile: () => null };

/** The picture of a run, from its folded state. */
export const runDetail = (state: RunState): RunDetail => {
  const req = state.request;
  const graph = state.graph;
  const view = runView(state, NOWHERE);
  const records = vecToArray(state.jobs);
  const critical = criticalPath(state);
  const plans = new Map((req?.plan.jobs ?? []).flatMap((j) => j.images.map((p) => [p.key, p] as const)));
  const images = vecToArray(state.images).map((img, i): DetailImage => {
    const g = graph?.images[i];
    const p = plans.get(img.key);
    return {
      key: img.key,
      dockerfilePath: g?.dockerfilePath ?? p?.dockerfilePath ?? '',
      jobs: (g?.jobs ?? []).map((j) => graph?.jobNames[j] ?? ''),
      container: g?.container ?? p?.container ?? '',
      action: g?.action ?? p?.action ?? 'build',
      why: p?.reason ?? '',
      changedFiles: p?.changedFiles ?? [],
      status: img.status,
      startedAt: img.startedAt,
      finishedAt: img.finishedAt,
      failure: img.reason,
      costUsd: viewUsd(img.costUsd),
      critical: critical.images.has(i),
    };
  });
  const jobs = view.jobs.map((jv, i): DetailJob => {
    const rec = records[i];
    const spec = req?.workflow.jobs[i];
    const attempts = rec
      ? vecToArray(rec.tasks).flatMap((t) => t.attempts.map((a): DetailAttempt => {
        const v = jv.tasks.find((x) => x.index === t.index && x.attempt === a.attempt);
        return {
          index: t.index, attempt: a.attempt, status: v?.status ?? a.outcome ?? 'PENDING', exitCode: v?.exitCode ?? null, reason: a.reason,
          launchedAt: a.launchedAt, runningAt: a.runningAt, stoppedAt: a.stoppedAt, notBefore: a.notBefore,
          durationSeconds: v?.durationSeconds ?? null, costUsd: viewUsd(a.costUsd),
        };
      }))
      : [];
    const concurrency = spec?.concurrency ?? 1;
    return {
      name: jv.name,
      status: jv.status,
      reason: rec?.reason ?? null,
      dependsOn: spec?.dependsOn ?? [],
      concurrency,
      containers: spec?.taskDefinition.containerDefinitions.map((c) => c.name) ?? [],
      counts: fanOutCounts(attempts, concurrency),
      costUsd: jv.costUsd,
      startedAt: rec?.startedAt ?? null,
      finishedAt: rec?.finishedAt ?? null,
      attempts,
      downloadable: spec?.downloadable ?? false,
      critical: critical.jobs.has(i),
    };
  });
  return {
    runId: view.runId, workflow: view.workflow, commit: view.commit, branch: req?.branch ?? '', trigger: req?.trigger.kind ?? '',
    dirty: req?.dirty ?? false, status: view.status, ended: ENDED.has(state.status), failure: state.failure,
    costUsd: view.costUsd, buildsUsd: viewUsd(state.cost.buildsUsd), requestedAt: state.requestedAt, finishedAt: state.finishedAt, now: state.now,
    jobs, images,
  };
};
