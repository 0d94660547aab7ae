/**
 * One EventBridge Scheduler schedule per `cron` trigger of the workflows a branch runs, kept in
 * step with the YAML on every push to that branch: created, updated (same name, new expression
 * or time zone) and deleted when the trigger or workflow goes. A schedule invokes the API
 * function with a cron PlanRequest; Scheduler fills in the time.
 *
 * Names are `hyperp-{16 hex of repo+branch}-{12 hex of workflow}-{trigger index}`: a branch's
 * schedules share a listable prefix, and so do one workflow's, so each workflow is synced on its
 * own. A workflow whose schedules AWS refuses (the user's mistake: ValidationException, or the
 * account's schedule quota) is reported back and keeps the schedules it had; the others go on.
 */
import {
  CreateScheduleCommand, DeleteScheduleCommand, ListSchedulesCommand, UpdateScheduleCommand,
  type CreateScheduleCommandInput, type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { type WorkflowSpec } from '@hyperp/core';
import { branchMatches } from '@hyperp/core/internal';
import { createHash } from 'node:crypto';
import type { AwsConfig } from '../config.js';
import { schedulerCronOf } from './cron.js';

const h = (parts: readonly (string | number)[], n: number): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, n);

/** `hyperp-{16 hex}-`: the schedules of one repo and branch (names are at most 64 characters). */
export const schedulePrefix = (repo: string, branch: string): string => `hyperp-${h([repo, branch], 16)}-`;
/** `hyperp-{16 hex}-{12 hex}-`: the schedules of one workflow on that branch. */
export const workflowSchedulePrefix = (repo: string, branch: string, workflow: string): string =>
  `${schedulePrefix(repo, branch)}${h([workflow], 12)}-`;
export const scheduleName = (repo: string, branch: string, workflow: string, index: number): string =>
  `${workflowSchedulePrefix(repo, branch, workflow)}${index}`;

/** Scheduler's Description is at most 512 characters (Scheduler API Reference, CreateSchedule, read 2026-12). */
export const DESCRIPTION_MAX = 512;
const description = (text: string): string => (text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text);

/** Scheduler errors that are the workflow's (or the account's) to fix: retrying the same call cannot help. */
const REFUSALS = new Set(['ValidationException', 'ServiceQuotaExceededException']);
const nameOf = (e: unknown): string => (e as { name?: string })?.name ?? '';

export interface ScheduleSyncFailure {
  readonly workflow: string;
  /** For a person: which schedule and why, AWS's message included. */
  readonly reason: string;
}

export interface ScheduleSyncDeps {
  readonly scheduler: Pick<SchedulerClient, 'send'>;
  readonly config: Pick<AwsConfig, 'schedulerGroupName' | 'schedulerRoleArn' | 'manualRunFunctionArn'>;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

/**
 * Syncs the branch's schedules with `workflows`. `complete` says every workflow file of the commit
 * loaded: only then are schedules of workflows not in the list deleted (a file with errors is
 * missing from it, and its schedules must not go). Throttling and AWS's own failures are thrown,
 * so the caller's retry syncs again (every call here is idempotent).
 */
export const scheduleSync =
  (d: ScheduleSyncDeps) =>
  async (
    repo: string, branch: string, installationId: number, workflows: readonly WorkflowSpec[], complete: boolean,
  ): Promise<readonly ScheduleSyncFailure[]> => {
    const group = d.config.schedulerGroupName;
    const failures: ScheduleSyncFailure[] = [];
    const desired = new Map<string, { workflow: string; schedule: string; input: CreateScheduleCommandInput }>();
    /** Prefixes whose existing schedules stay as they are (a workflow that failed). */
    const kept = new Set<string>();
    const loaded = new Set<string>();
    for (const w of workflows) {
      if (!branchMatches(w.branches, branch)) continue;
      const prefix = workflowSchedulePrefix(repo, branch, w.name);
      loaded.add(prefix);
      const entries = w.triggers.cron.map((c, i) => ({ c, i, expression: schedulerCronOf(c.schedule) }));
      const bad = entries.find((e) => e.expression._tag === 'Left');
      if (bad && bad.expression._tag === 'Left') {
        failures.push({ workflow: w.name, reason: `cron schedule "${bad.c.schedule}" is not valid: ${bad.expression.left}` });
        kept.add(prefix);
        continue;
      }
      for (const { c, i, expression } of entries) {
        const Name = scheduleName(repo, branch, w.name, i);
        desired.set(Name, {
          workflow: w.name,
          schedule: c.schedule,
          input: {
            Name,
            GroupName: group,
            ScheduleExpression: expression._tag === 'Right' ? expression.right : '',
            ScheduleExpressionTimezone: c.timezone ?? 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            Description: description(`hyperp: ${repo} ${branch} ${w.name} (${c.schedule})`),
            Target: {
              Arn: d.config.manualRunFunctionArn,
              RoleArn: d.config.schedulerRoleArn,
              Input: JSON.stringify({
                kind: 'cron', repo, branch, workflow: w.name, schedule: c.schedule, installationId,
                scheduledAt: '<aws.scheduler.scheduled-time>', ...(c.name !== undefined ? { name: c.name } : {}),
              }),
            },
          },
        });
      }
    }

    const existing = new Set<string>();
    let NextToken: string | undefined;
    do {
      const r = await d.scheduler.send(new ListSchedulesCommand({ GroupName: group, NamePrefix: schedulePrefix(repo, branch), ...(NextToken ? { NextToken } : {}) }));
      for (const s of r.Schedules ?? []) if (s.Name) existing.add(s.Name);
      NextToken = r.NextToken;
    } while (NextToken);

    const failed = new Set<string>();
    for (const [name, { workflow, schedule, input }] of desired) {
      if (failed.has(workflow)) continue;
      try {
        await put(d, input, existing.has(name));
      } catch (e) {
        if (!REFUSALS.has(nameOf(e))) throw e;
        failed.add(workflow);
        kept.add(workflowSchedulePrefix(repo, branch, workflow));
        failures.push({ workflow, reason: `cron schedule "${schedule}" not synced: ${nameOf(e)}: ${(e as Error).message}` });
      }
    }

    const owner = (name: string): string | undefined => [...loaded].find((p) => name.startsWith(p));
    const deleted: string[] = [];
    for (const name of existing) {
      if (desired.has(name)) continue;
      const prefix = owner(name);
      // A schedule of a workflow that failed, or (commit not wholly loaded) of one that may still exist.
      if ((prefix !== undefined && kept.has(prefix)) || (prefix === undefined && !complete)) continue;
      try {
        await d.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: group }));
      } catch (e) {
        if (nameOf(e) !== 'ResourceNotFoundException') throw e;
      }
      deleted.push(name);
    }
    if (desired.size + existing.size > 0 || failures.length > 0) {
      d.log('cron schedules synced', { repo, branch, synced: [...desired.values()].filter((x) => !failed.has(x.workflow)).length, deleted: deleted.length, failures });
    }
    return failures;
  };

/**
 * Create or update, whichever the schedule needs: another planner may have created or deleted
 * it since the listing (ConflictException on create, ResourceNotFoundException on update).
 */
const put = async (d: ScheduleSyncDeps, input: CreateScheduleCommandInput, exists: boolean): Promise<void> => {
  const create = () => d.scheduler.send(new CreateScheduleCommand(input));
  const update = () => d.scheduler.send(new UpdateScheduleCommand(input));
  try {
    await (exists ? update() : create());
  } catch (e) {
    if (exists && nameOf(e) === 'ResourceNotFoundException') await create();
    else if (!exists && nameOf(e) === 'ConflictException') await update();
    else throw e;
  }
};
