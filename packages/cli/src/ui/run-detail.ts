/**
 * A run as the web view draws it: the `runs show --json` view with what a picture needs besides
 * — the edges of the DAG, each job's fan-out counts, the images and why each was built, each
 * attempt's times (waiting, running) for the timeline, and the critical path. Pure: computed from
 * the folded state (locally) or from the API's run (remotely, which has no edges or times).
 */
import { vecToArray, type RunState } from '@hyperp/core';
import type { ApiRunView } from '@hyperp/core/internal';
import type { LocalRunView } from '@hyperp/adapters-local';

export interface UiAttempt {
  readonly index: number;
  readonly attempt: number;
  readonly status: string;
  readonly exitCode: number | null;
  readonly reason: string | null;
  /** Epoch ms; null when unknown (remote) or not reached yet. */
  readonly launchedAt: number | null;
  readonly runningAt: number | null;
  readonly stoppedAt: number | null;
  /** A retry's back-off: it may not be launched before this. */
  readonly notBefore: number | null;
  readonly durationSeconds: number | null;
  readonly costUsd: number;
}

export interface UiImage {
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

export interface UiJob {
  readonly name: string;
  readonly status: string;
  /** Why it failed, was skipped or cancelled; how it was reused. */
  readonly reason: string | null;
  readonly dependsOn: readonly string[];
  readonly concurrency: number;
  readonly containers: readonly string[];
  readonly counts: { readonly done: number; readonly running: number; readonly failed: number; readonly waiting: number };
  readonly costUsd: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly attempts: readonly UiAttempt[];
  readonly downloadable: boolean;
  readonly critical: boolean;
}

export interface UiRun {
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
  readonly jobs: readonly UiJob[];
  readonly images: readonly UiImage[];
  /** False for a deployment's run: the API gives no edges, images or times. */
  readonly detailed: boolean;
  /** Set when the run has not ended and no process drives it any more. */
  readonly resumeWith?: string;
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const RUNNING = new Set(['LAUNCHING', 'STARTING', 'RUNNING', 'PENDING', 'PROVISIONING', 'ACTIVATING', 'DEPROVISIONING', 'STOPPING']);

const countsOf = (attempts: readonly { index: number; attempt: number; status: string }[], concurrency: number): UiJob['counts'] => {
  // The newest attempt of each task is the task's state.
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

/** A local run: its folded state and the view `runs show --json` prints. */
export const localRunDetail = (state: RunState, view: LocalRunView, resumeWith: string | undefined): UiRun => {
  const req = state.request;
  const graph = state.graph;
  const records = vecToArray(state.jobs);
  const critical = criticalPath(state);
  const plans = new Map((req?.plan.jobs ?? []).flatMap((j) => j.images.map((p) => [p.key, p] as const)));
  const images: UiImage[] = vecToArray(state.images).map((img, i) => {
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
      costUsd: img.costUsd,
      critical: critical.images.has(i),
    };
  });
  const jobs: UiJob[] = view.jobs.map((jv, i) => {
    const rec = records[i];
    const spec = req?.workflow.jobs[i];
    const attempts: UiAttempt[] = rec
      ? vecToArray(rec.tasks).flatMap((t) => t.attempts.map((a, k) => {
        const v = jv.tasks.find((x) => x.index === t.index && x.attempt === a.attempt);
        return {
          index: t.index, attempt: a.attempt, status: v?.status ?? (k === t.attempts.length - 1 ? t.status : a.outcome ?? 'PENDING'),
          exitCode: v?.exitCode ?? null, reason: a.reason, launchedAt: a.launchedAt, runningAt: a.runningAt, stoppedAt: a.stoppedAt,
          notBefore: a.notBefore, durationSeconds: v?.durationSeconds ?? null, costUsd: a.costUsd,
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
      counts: countsOf(attempts, concurrency),
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
    costUsd: view.costUsd, buildsUsd: state.cost.buildsUsd, requestedAt: state.requestedAt, finishedAt: state.finishedAt, now: state.now,
    jobs, images, detailed: true, ...(resumeWith !== undefined ? { resumeWith } : {}),
  };
};

/** A deployment's run, from its API: no edges, images or times, so the graph shows the jobs only. */
export const remoteRunDetail = (run: ApiRunView): UiRun => ({
  runId: run.runId, workflow: run.workflow, commit: run.commit, branch: run.branch, trigger: run.trigger, dirty: false,
  status: run.status, ended: run.finishedAt !== null, failure: run.failure, costUsd: run.costUsd, buildsUsd: run.cost.buildsUsd ?? 0,
  requestedAt: run.requestedAt === null ? null : Date.parse(run.requestedAt),
  finishedAt: run.finishedAt === null ? null : Date.parse(run.finishedAt), now: null,
  jobs: run.jobs.map((j) => {
    const attempts: UiAttempt[] = j.tasks.map((t) => ({
      index: t.index, attempt: t.attempt, status: t.status, exitCode: t.exitCode, reason: null,
      launchedAt: null, runningAt: null, stoppedAt: null, notBefore: null, durationSeconds: t.durationSeconds, costUsd: t.costUsd,
    }));
    const concurrency = Math.max(1, ...attempts.map((a) => a.index));
    return {
      name: j.name, status: j.status, reason: j.reason, dependsOn: [], concurrency, containers: [], counts: countsOf(attempts, concurrency),
      costUsd: j.costUsd, startedAt: null, finishedAt: null, attempts, downloadable: j.downloadable !== null, critical: false,
    };
  }),
  images: [],
  detailed: false,
});
