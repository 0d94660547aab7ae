/**
 * Rules on the jobs of a decoded workflow: names, dependencies, the DAG and per-job numbers.
 * Each exported function is one rule, named after what it checks.
 */
import { findCycle } from '../dag/graph.js';
import { pathsOverlap } from '../render/mounts.js';
import type { ValidationIssue } from './issue.js';
import { didYouMean, issueAt, type WorkflowRule } from './rule.js';
import { hasLoneSurrogate, utf8Length } from './unicode.js';

const jobsOf = (ctx: Parameters<WorkflowRule>[0]) => ctx.workflow.jobs ?? [];

/** Limits chosen for hyperp: each task is its own RunTask call and its own Fargate task. */
export const limits = { concurrency: { min: 1, max: 100 }, retries: { min: 0, max: 10 } } as const;

export const jobsEmpty: WorkflowRule = (ctx) =>
  jobsOf(ctx).length > 0
    ? []
    : [
        issueAt(ctx, 'error', 'jobs-empty', ctx.workflow.jobs !== undefined ? ['jobs'] : [], 'the workflow has no jobs; list at least one under "jobs"'),
      ];

export const duplicateJobNames: WorkflowRule = (ctx) => {
  const first = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  jobsOf(ctx).forEach((job, k) => {
    const seen = first.get(job.jobName);
    if (seen === undefined) first.set(job.jobName, k);
    else
      issues.push(
        issueAt(ctx, 'error', 'duplicate-job-name', ['jobs', k, 'jobName'], `job name "${job.jobName}" is already used by jobs[${seen}]; job names must be unique`),
      );
  });
  return issues;
};

export const unknownDependencies: WorkflowRule = (ctx) => {
  const names = jobsOf(ctx).map((j) => j.jobName);
  return jobsOf(ctx).flatMap((job, k) =>
    (job.dependsOn ?? []).flatMap((dep, d) =>
      names.includes(dep)
        ? []
        : [
            issueAt(
              ctx,
              'error',
              'unknown-dependency',
              ['jobs', k, 'dependsOn', d],
              `job "${job.jobName}" depends on "${dep}", which is not a job of this workflow${didYouMean(dep, names.filter((n) => n !== job.jobName))}`,
            ),
          ],
    ),
  );
};

export const selfDependencies: WorkflowRule = (ctx) =>
  jobsOf(ctx).flatMap((job, k) =>
    (job.dependsOn ?? []).flatMap((dep, d) =>
      // Once per job: a repeated self-dependency is the duplicate-dependency rule's.
      dep === job.jobName && (job.dependsOn ?? []).indexOf(dep) === d
        ? [issueAt(ctx, 'error', 'self-dependency', ['jobs', k, 'dependsOn', d], `job "${job.jobName}" depends on itself`)]
        : [],
    ),
  );

export const duplicateDependencies: WorkflowRule = (ctx) =>
  jobsOf(ctx).flatMap((job, k) =>
    (job.dependsOn ?? []).flatMap((dep, d) =>
      (job.dependsOn ?? []).indexOf(dep) < d
        ? [issueAt(ctx, 'warning', 'duplicate-dependency', ['jobs', k, 'dependsOn', d], `job "${job.jobName}" lists "${dep}" in dependsOn more than once`)]
        : [],
    ),
  );

/** Reported at the first cycle's edge from its earliest-declared job; self-dependencies have their own rule. */
export const dependencyCycles: WorkflowRule = (ctx) => {
  const jobs = jobsOf(ctx);
  const cycle = findCycle(jobs.map((j) => ({ name: j.jobName, dependsOn: (j.dependsOn ?? []).filter((d) => d !== j.jobName) })));
  if (!cycle) return [];
  const k = jobs.findIndex((j) => j.jobName === cycle[0]);
  const d = (jobs[k]!.dependsOn ?? []).indexOf(cycle[1]!);
  const chain = [...cycle, cycle[0]!].map((n) => `"${n}"`).join(' → ');
  return [
    issueAt(ctx, 'error', 'dependency-cycle', ['jobs', k, 'dependsOn', d], `jobs depend on each other in a cycle: ${chain} (each depends on the next)`),
  ];
};

const wholeInRange = (field: 'concurrency' | 'retries', rule: 'concurrency-range' | 'retries-range'): WorkflowRule => (ctx) => {
  const { min, max } = limits[field];
  return jobsOf(ctx).flatMap((job, k) => {
    const v = job[field];
    return v === undefined || (Number.isInteger(v) && v >= min && v <= max)
      ? []
      : [issueAt(ctx, 'error', rule, ['jobs', k, field], `${field} of job "${job.jobName}" must be a whole number from ${min} to ${max}, not ${v}`)];
  });
};

export const concurrencyRange: WorkflowRule = wholeInRange('concurrency', 'concurrency-range');
export const retriesRange: WorkflowRule = wholeInRange('retries', 'retries-range');

export const timeoutPositive: WorkflowRule = (ctx) =>
  jobsOf(ctx).flatMap((job, k) => {
    const v = job.timeoutSeconds;
    return v === undefined || (Number.isInteger(v) && v > 0)
      ? []
      : [issueAt(ctx, 'error', 'timeout-positive', ['jobs', k, 'timeoutSeconds'], `timeoutSeconds of job "${job.jobName}" must be a positive whole number of seconds, not ${v}`)];
  });

/**
 * A job's output is mounted at `/input/<jobName>` in its dependents: the name may hold spaces,
 * `*` and even `/` (nested folders), but no segment may climb out (`..`), be empty or `.`.
 */
export const jobNamePaths: WorkflowRule = (ctx) =>
  jobsOf(ctx).flatMap((job, k) => {
    const why = unsafeMountName(job.jobName);
    return why
      ? [issueAt(ctx, 'error', 'job-name-path', ['jobs', k, 'jobName'], `job name "${job.jobName}" cannot be mounted at /input/<jobName>: ${why}`)]
      : [];
  });

/**
 * Each direct dependency is mounted at `/input/<jobName>`: two whose names are a folder and a
 * folder inside it (`reports` and `reports/daily`) would mount one inside the other, and the
 * outer read-only mount would hide or block the inner one. The names stay as they are (users
 * rely on `/input/<jobName>`), so such a pair is refused where it is declared. Shared folders
 * cannot nest: `artifact-name` keeps their names to one unique path segment.
 */
export const inputMountOverlaps: WorkflowRule = (ctx) =>
  jobsOf(ctx).flatMap((job, k) => {
    const deps = job.dependsOn ?? [];
    return deps.flatMap((dep, d) => {
      const earlier = deps.slice(0, d).find((e) => e !== dep && pathsOverlap(`/input/${e}`, `/input/${dep}`));
      return earlier === undefined
        ? []
        : [issueAt(ctx, 'error', 'input-mount-overlap', ['jobs', k, 'dependsOn', d],
            `job "${job.jobName}" cannot depend on both "${earlier}" and "${dep}": their outputs are mounted at /input/${earlier} and /input/${dep}, one inside the other, so one would hide the other; rename one of the two jobs`)];
    });
  });

const unsafeMountName = (name: string): string | undefined => {
  if (name.trim() === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (hasLoneSurrogate(name)) return 'it is not valid Unicode (an unpaired surrogate, such as "\\uD800")';
  if (name.startsWith('/') || name.endsWith('/')) return 'it starts or ends with "/"';
  const segments = name.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'a "/"-separated part is "." or ".."';
  if (segments.some((s) => s === '')) return 'it contains "//"';
  // Each part is a folder name in the container (NAME_MAX, 255 bytes).
  const long = segments.find((s) => utf8Length(s) > 255);
  if (long !== undefined) return `a "/"-separated part is ${utf8Length(long)} bytes long, more than a folder name's 255`;
  return undefined;
};
