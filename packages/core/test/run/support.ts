// Shared builders for the reducer's tests: a small workflow, its request, and readers that find
// a job, task or attempt by name so expected values can be written out in full.
import * as E from 'fp-ts/lib/Either.js';
import { attemptKey, buildAttemptKey, clientToken, startedBy } from '../../src/names/attempt.js';
import { jobHash, workflowHash } from '../../src/names/artifacts.js';
import { renderTaskDefinition, type RenderedTaskDefinition } from '../../src/render/taskdef.js';
import type { Command, RegisterTaskDefinition, RunTask, Tag } from '../../src/run/commands.js';
import type { RunEvent, RunRequested } from '../../src/run/events.js';
import { reduce, reduceAll, type Step } from '../../src/run/reduce.js';
import { initialState, type AttemptRecord, type JobRecord, type RunState, type TaskRecord } from '../../src/run/state.js';
import { vecGet, vecSet } from '../../src/run/vector.js';
import { syntheticImageKey, syntheticRunRequested, type SyntheticWorkflow } from '../../src/sim/workflow.js';

export const RUN = 'run-1';
export const T0 = 1_700_000_000_000;

/** a → b (2 tasks, 1 retry, 60 s deadline); c on its own with an image that exists already. */
export const smallWorkflow: SyntheticWorkflow = {
  name: 'small',
  jobs: [
    { name: 'a' },
    { name: 'b', dependsOn: ['a'], concurrency: 2, retries: 1, timeoutSeconds: 60 },
    { name: 'c', imageAction: 'reuse' },
  ],
};

export const request = (w: SyntheticWorkflow = smallWorkflow, at = T0): RunRequested => syntheticRunRequested(w, { runId: RUN, at });

export const fold = (events: readonly RunEvent[]): Step => reduceAll(initialState(), events);
export const stateAfter = (events: readonly RunEvent[]): RunState => fold(events)[0];
export const step = (s: RunState, e: RunEvent): Step => reduce(s, e);

export const jobIx = (s: RunState, name: string): number => s.graph!.jobIndex[name]!;
export const jobOf = (s: RunState, name: string): JobRecord => vecGet(s.jobs, jobIx(s, name))!;
export const taskOf = (s: RunState, name: string, index: number): TaskRecord => vecGet(jobOf(s, name).tasks, index - 1)!;
export const attemptOf = (s: RunState, name: string, index: number, attempt: number): AttemptRecord =>
  taskOf(s, name, index).attempts[attempt - 1]!;

/** `s` with one job replaced: lets a test spell out the whole expected state. */
export const withJob = (s: RunState, name: string, f: (j: JobRecord) => JobRecord): RunState => ({
  ...s, jobs: vecSet(s.jobs, jobIx(s, name), f(jobOf(s, name))),
});
export const withTask = (s: RunState, name: string, index: number, f: (t: TaskRecord) => TaskRecord): RunState =>
  withJob(s, name, (j) => ({ ...j, tasks: vecSet(j.tasks, index - 1, f(vecGet(j.tasks, index - 1)!)) }));

export const keys = (job: string, index: number, attempt: number) => {
  const key = attemptKey({ runId: RUN, job, index, attempt });
  return { attemptKey: key, clientToken: clientToken(key), startedBy: startedBy(key) };
};
export const buildKeys = (image: string) => {
  const key = buildAttemptKey({ runId: RUN, imageKey: syntheticImageKey(image), attempt: 1 });
  return { attemptKey: key, clientToken: clientToken(key), startedBy: startedBy(key) };
};

export const tags = (w: SyntheticWorkflow, job: string): Tag[] => [
  { key: 'hyperp:run', value: RUN },
  { key: 'hyperp:workflow', value: workflowHash(w.name ?? 'synthetic') },
  { key: 'hyperp:job', value: jobHash(job) },
];

export const rendered = (r: RunRequested, job: string, inputRuns: Record<string, string> = {}): RenderedTaskDefinition => {
  const spec = r.workflow.jobs.find((j) => j.name === job)!;
  const plan = r.plan.jobs.find((j) => j.name === job)!;
  const out = renderTaskDefinition({
    workflow: r.workflow, job: spec, commit: r.commit, runId: r.runId,
    imageKeys: Object.fromEntries(plan.images.map((i) => [i.container, i.key])),
    inputRuns: Object.fromEntries(spec.dependsOn.map((d) => [d, inputRuns[d] ?? r.runId])),
    settings: r.settings.render,
  });
  if (E.isLeft(out)) throw new Error(JSON.stringify(out.left));
  return out.right;
};

export const registerCommand = (r: RunRequested, w: SyntheticWorkflow, job: string): RegisterTaskDefinition => {
  const td = rendered(r, job);
  return { _tag: 'RegisterTaskDefinition', runId: RUN, job, family: td.family, taskDefinition: td, tags: tags(w, job) };
};

export const runTaskCommand = (w: SyntheticWorkflow, job: string, index: number, attempt: number, total: number, taskDefinitionArn: string): RunTask => ({
  _tag: 'RunTask', runId: RUN, job, index, attempt, ...keys(job, index, attempt), taskDefinitionArn,
  overrides: { containerOverrides: [{ name: 'main', environment: [{ name: 'TASK_INDEX', value: String(index) }, { name: 'TASK_TOTAL_SIZE', value: String(total) }] }] },
  tags: tags(w, job),
});

export const arnOf = (job: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${job}:1`;
export const taskArn = (n: number): string => `arn:aws:ecs:us-east-1:123456789012:task/hyperp/${n}`;

/** Only the commands of some kinds, in order. */
export const only = (commands: readonly Command[], ...tags: Command['_tag'][]): Command[] => commands.filter((c) => tags.includes(c._tag));
