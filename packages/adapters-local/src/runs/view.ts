/**
 * A run as the CLI shows it (`run --json`, `runs show --json`): the run, its jobs and every task
 * attempt with its exit code, duration, cost and log file. Derived from the folded state only.
 */
import { join } from 'node:path';
import { jobArtifactPath, vecToArray, type AttemptRecord, type JobRecord, type RunState, type TaskRecord } from '@hyperp/core';
import { taskLogFile, type LocalLayout } from '../layout.js';

export interface TaskView {
  readonly index: number;
  readonly attempt: number;
  readonly status: string;
  readonly exitCode: number | null;
  readonly durationSeconds: number | null;
  readonly costUsd: number;
  readonly logFile: string;
}

export interface JobView {
  readonly name: string;
  readonly status: string;
  readonly attempts: number;
  readonly outputDir: string;
  readonly costUsd: number;
  readonly tasks: readonly TaskView[];
}

export interface RunView {
  readonly runId: string;
  readonly workflow: string;
  readonly commit: string;
  readonly status: string;
  readonly costUsd: number;
  readonly jobs: readonly JobView[];
}

/** Cost in dollars rounded to a millionth of a cent: what the JSON shows. */
const usd = (x: number): number => Math.round(x * 1e8) / 1e8;

const attemptStatus = (task: TaskRecord, a: AttemptRecord, last: boolean): string =>
  a.outcome ?? (last ? task.status : a.lastStatus ?? 'PENDING');

/** The exit code of the first essential container that reported one (else any container's). */
const exitCodeOf = (a: AttemptRecord, essential: readonly string[]): number | null => {
  for (const name of essential) {
    const c = a.exitCodes[name];
    if (c !== undefined && c !== null) return c;
  }
  const any = Object.values(a.exitCodes).find((c) => c !== null);
  return any ?? null;
};

const durationOf = (a: AttemptRecord): number | null => {
  const start = a.runningAt ?? a.launchedAt;
  return start !== null && a.stoppedAt !== null ? Math.max(0, a.stoppedAt - start) / 1000 : null;
};

export const runView = (state: RunState, layout: LocalLayout): RunView => {
  const req = state.request;
  const runId = state.runId ?? '';
  const workflow = req?.workflow.name ?? '';
  const commit = req?.commit ?? '';
  const jobs = vecToArray(state.jobs).map((job: JobRecord, j): JobView => {
    const essential = state.graph?.essential[j] ?? [];
    const tasks = vecToArray(job.tasks).flatMap((t) =>
      t.attempts.map((a, i): TaskView => ({
        index: t.index,
        attempt: a.attempt,
        status: attemptStatus(t, a, i === t.attempts.length - 1),
        exitCode: exitCodeOf(a, essential),
        durationSeconds: durationOf(a),
        costUsd: usd(a.costUsd),
        logFile: taskLogFile(layout, runId, job.name, t.index, a.attempt),
      })),
    );
    return {
      name: job.name,
      status: job.status,
      attempts: tasks.length,
      outputDir: join(layout.artifactsDir, jobArtifactPath({ commit, runId: job.outputRunId, workflow }, job.name)),
      costUsd: usd(job.costUsd),
      tasks,
    };
  });
  return { runId, workflow, commit, status: state.status, costUsd: usd(state.cost.totalUsd), jobs };
};

const money = (x: number): string => `$${x < 0.01 && x > 0 ? x.toFixed(6) : x.toFixed(4)}`;
const secs = (s: number | null): string => (s === null ? '-' : s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`);

/** The text `runs show` prints. */
export const formatRun = (v: RunView, state: RunState): string => {
  const lines = [
    `run ${v.runId}  ${v.workflow}  ${v.status}`,
    `commit ${v.commit.slice(0, 12)}${state.request?.dirty ? ' (with uncommitted changes)' : ''}   cost on Fargate ${money(v.costUsd)}`,
  ];
  if (state.failure) lines.push(`why: ${state.failure}`);
  for (const j of v.jobs) {
    lines.push(`  ${j.status.padEnd(9)} ${j.name}  ${money(j.costUsd)}${j.attempts > 0 ? `  ${j.attempts} attempt(s)` : ''}`);
    for (const t of j.tasks) {
      lines.push(`      task ${t.index} attempt ${t.attempt}: ${t.status}${t.exitCode !== null ? ` exit ${t.exitCode}` : ''}  ${secs(t.durationSeconds)}  ${money(t.costUsd)}`);
    }
  }
  return lines.join('\n') + '\n';
};
