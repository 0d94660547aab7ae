/**
 * Rules on workflow-level settings and sizes: branch patterns, shared artifact names, cron
 * schedules and the size of image builds.
 */
import * as E from 'fp-ts/lib/Either.js';
import { cheapestFargateSize, formatFargateSize, isValidFargateSize, parseCpuUnits, parseMemoryMiB } from '../fargate/size.js';
import { schedulerCron } from './cron.js';
import type { FieldPath, ValidationIssue } from './issue.js';
import { issueAt, type FileContext, type WorkflowRule } from './rule.js';
import { hasLoneSurrogate } from './unicode.js';

/** Why a GitHub-style branch filter pattern cannot match a branch, or undefined when it is fine. */
export const branchPatternProblem = (pattern: string): string | undefined => {
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (body === '') return 'it is empty';
  if (/\s/.test(body)) return 'it contains whitespace, which branch names cannot';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f~^:\\]/.test(body)) return 'it contains a character branch names cannot (~ ^ : \\ or a control character)';
  if (body.includes('..')) return 'it contains "..", which branch names cannot';
  if (body.startsWith('/') || body.endsWith('/')) return 'it starts or ends with "/"';
  let open = false;
  for (let k = 0; k < body.length; k++) {
    const c = body[k];
    if (c === '[') {
      if (open) return 'a "[" opens inside a character class';
      if (body[k + 1] === ']') return 'it has an empty character class "[]"';
      open = true;
    } else if (c === ']') {
      if (!open) return 'a "]" has no matching "["';
      open = false;
    }
  }
  if (open) return 'a "[" is never closed';
  return undefined;
};

export const branchPatterns: WorkflowRule = (ctx) => {
  const patterns = ctx.workflow.branches ?? [];
  const issues: ValidationIssue[] = patterns.flatMap((p, k) => {
    const why = branchPatternProblem(p);
    return why ? [issueAt(ctx, 'error', 'branch-pattern', ['branches', k], `branch pattern "${p}" is not valid: ${why}`)] : [];
  });
  if (patterns.length > 0 && patterns.every((p) => p.startsWith('!')) && issues.length === 0) {
    issues.push(
      issueAt(ctx, 'warning', 'branch-pattern', ['branches'], 'every branch pattern starts with "!", so no branch matches; add a pattern such as "**" before the exclusions'),
    );
  }
  return issues;
};

/**
 * Runs, costs, schedules and the CLI's `--workflow` name a workflow by `workflowName`, and its
 * hash keys its artifact paths: it must be visible text with a UTF-8 form.
 */
export const workflowName: WorkflowRule = (ctx) => {
  const name = ctx.workflow.workflowName;
  const why =
    name.trim() === '' ? 'it is empty'
      // eslint-disable-next-line no-control-regex
      : /[\u0000-\u001f\u007f]/.test(name) ? 'it contains a control character'
        : hasLoneSurrogate(name) ? 'it is not valid Unicode (an unpaired surrogate, such as "\\uD800")'
          : undefined;
  return why ? [issueAt(ctx, 'error', 'workflow-name', ['workflowName'], `workflowName ${JSON.stringify(name)} cannot name a workflow: ${why}`)] : [];
};

/** A shared artifact is the folder `/shared/<name>`: the name must be one safe path segment. */
export const artifactNameProblem = (name: string): string | undefined => {
  if (name.trim() === '') return 'it is empty';
  if (name.includes('/') || name.includes('\\')) return 'it contains a "/" or "\\"';
  if (name === '.' || name === '..') return `it is "${name}"`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (hasLoneSurrogate(name)) return 'it is not valid Unicode (an unpaired surrogate, such as "\\uD800")';
  // The name is one segment of the artifact path on EFS and on disk, URI-encoded: 255 at most.
  const encoded = encodeURIComponent(name).length;
  if (encoded > 255) return `it is too long: ${encoded} characters once URI-encoded for the artifact path, at most 255`;
  return undefined;
};

export const artifactNames: WorkflowRule = (ctx) => {
  const shared = ctx.workflow.artifacts?.shared ?? [];
  return shared.flatMap((a, k) => {
    const path: FieldPath = ['artifacts', 'shared', k, 'name'];
    const why = artifactNameProblem(a.name);
    if (why) return [issueAt(ctx, 'error', 'artifact-name', path, `shared artifact name "${a.name}" is not a safe folder name: ${why}`)];
    const first = shared.findIndex((b) => b.name === a.name);
    return first < k
      ? [issueAt(ctx, 'error', 'artifact-name', path, `shared artifact name "${a.name}" is already used by artifacts.shared[${first}]`)]
      : [];
  });
};

/**
 * Schedules are five-field cron expressions (minute hour day-of-month month day-of-week) that
 * must have an EventBridge Scheduler form, which runs them on AWS: validation and translation
 * are one function (`schedulerCron`), so what validates always translates.
 */
export const cronScheduleProblem = (schedule: string): string | undefined => {
  const r = schedulerCron(schedule);
  return E.isLeft(r) ? r.left : undefined;
};

const knownTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const cronSchedules: WorkflowRule = (ctx) =>
  (ctx.workflow.triggers?.cron ?? []).flatMap((c, k) => {
    const issues: ValidationIssue[] = [];
    const why = cronScheduleProblem(c.schedule);
    if (why) issues.push(issueAt(ctx, 'error', 'cron-schedule', ['triggers', 'cron', k, 'schedule'], `cron schedule "${c.schedule}" is not valid: ${why}`));
    if (c.timezone !== undefined && !knownTimeZone(c.timezone)) {
      issues.push(issueAt(ctx, 'error', 'cron-schedule', ['triggers', 'cron', k, 'timezone'], `timezone "${c.timezone}" is not a known IANA time zone (e.g. "Europe/Berlin", "UTC")`));
    }
    return issues;
  });

/**
 * Checks a cpu/memory pair against the Fargate grid; the message names the cheapest valid size
 * that covers it. `what` names the pair for a person ("imageBuildResources of job "a"").
 */
export const fargateSizeIssues = (
  ctx: FileContext,
  rule: 'image-build-resources' | 'task-size',
  what: string,
  at: FieldPath,
  raw: { readonly cpu: number | string; readonly memory: number | string },
): ValidationIssue[] => {
  const cpu = parseCpuUnits(raw.cpu);
  const memory = parseMemoryMiB(raw.memory);
  const issues: ValidationIssue[] = [];
  if (cpu === undefined) {
    issues.push(issueAt(ctx, 'error', rule, [...at, 'cpu'], `cpu of ${what} must be CPU units such as 1024 or "1 vCPU", not ${JSON.stringify(raw.cpu)}`));
  }
  if (memory === undefined) {
    issues.push(issueAt(ctx, 'error', rule, [...at, 'memory'], `memory of ${what} must be MiB such as 2048 or "2 GB", not ${JSON.stringify(raw.memory)}`));
  }
  if (cpu === undefined || memory === undefined || isValidFargateSize(cpu, memory)) return issues;
  const fit = cheapestFargateSize({ cpu, memory });
  const advice = fit
    ? `the cheapest size that covers it is ${formatFargateSize(fit)} (cpu ${fit.cpu}, memory ${fit.memory})`
    : 'it is larger than the largest size, 16 vCPU / 120 GB (cpu 16384, memory 122880)';
  return [
    issueAt(ctx, 'error', rule, [...at, 'cpu'], `${what} (cpu ${cpu}, memory ${memory}) is not a Fargate task size; ${advice}`),
  ];
};

export const imageBuildResources: WorkflowRule = (ctx) =>
  (ctx.workflow.jobs ?? []).flatMap((job, k) =>
    job.imageBuildResources
      ? fargateSizeIssues(ctx, 'image-build-resources', `imageBuildResources of job "${job.jobName}"`, ['jobs', k, 'imageBuildResources'], job.imageBuildResources)
      : [],
  );
