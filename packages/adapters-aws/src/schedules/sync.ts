/**
 * One EventBridge Scheduler schedule per `cron` trigger of the workflows a branch runs, kept in
 * step with the YAML on every push to that branch: created, updated (same name, new expression
 * or time zone) and deleted when the trigger or workflow goes. Names are hashes of repo, branch,
 * workflow and trigger position, so the schedules of one repo and branch share a listable prefix.
 * A schedule invokes the API function with a cron PlanRequest; Scheduler fills in the time.
 */
import {
  CreateScheduleCommand, DeleteScheduleCommand, ListSchedulesCommand, UpdateScheduleCommand,
  type CreateScheduleCommandInput, type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { branchMatches, type WorkflowSpec } from '@hyperp/core';
import { createHash } from 'node:crypto';
import type { AwsConfig } from '../config.js';
import { schedulerExpression } from './cron.js';

const h = (parts: readonly (string | number)[], n: number): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, n);

/** `hyperp-{16 hex of repo+branch}-{16 hex of workflow+index}`: 40 characters (limit 64). */
export const schedulePrefix = (repo: string, branch: string): string => `hyperp-${h([repo, branch], 16)}-`;
export const scheduleName = (repo: string, branch: string, workflow: string, index: number): string =>
  `${schedulePrefix(repo, branch)}${h([workflow, index], 16)}`;

export interface ScheduleSyncDeps {
  readonly scheduler: Pick<SchedulerClient, 'send'>;
  readonly config: Pick<AwsConfig, 'schedulerGroupName' | 'schedulerRoleArn' | 'manualRunFunctionArn'>;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

export const scheduleSync =
  (d: ScheduleSyncDeps) =>
  async (repo: string, branch: string, installationId: number, workflows: readonly WorkflowSpec[]): Promise<void> => {
    const desired = new Map<string, CreateScheduleCommandInput>();
    for (const w of workflows) {
      if (!branchMatches(w.branches, branch)) continue;
      w.triggers.cron.forEach((c, i) => {
        const Name = scheduleName(repo, branch, w.name, i);
        desired.set(Name, {
          Name,
          GroupName: d.config.schedulerGroupName,
          ScheduleExpression: schedulerExpression(c.schedule),
          ScheduleExpressionTimezone: c.timezone ?? 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Description: `hyperp: ${repo} ${branch} ${w.name} (${c.schedule})`,
          Target: {
            Arn: d.config.manualRunFunctionArn,
            RoleArn: d.config.schedulerRoleArn,
            Input: JSON.stringify({
              kind: 'cron', repo, branch, workflow: w.name, schedule: c.schedule, installationId,
              scheduledAt: '<aws.scheduler.scheduled-time>',
            }),
          },
        });
      });
    }
    const existing = new Set<string>();
    let NextToken: string | undefined;
    do {
      const r = await d.scheduler.send(
        new ListSchedulesCommand({ GroupName: d.config.schedulerGroupName, NamePrefix: schedulePrefix(repo, branch), ...(NextToken ? { NextToken } : {}) }),
      );
      for (const s of r.Schedules ?? []) if (s.Name) existing.add(s.Name);
      NextToken = r.NextToken;
    } while (NextToken);
    for (const [name, input] of desired) {
      if (existing.has(name)) await d.scheduler.send(new UpdateScheduleCommand(input));
      else await d.scheduler.send(new CreateScheduleCommand(input));
    }
    for (const name of existing) {
      if (!desired.has(name)) await d.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: d.config.schedulerGroupName }));
    }
    if (desired.size + existing.size > 0) d.log('cron schedules synced', { repo, branch, kept: desired.size, deleted: [...existing].filter((n) => !desired.has(n)).length });
  };
