/**
 * ECS task state changes, as EventBridge delivers them ("ECS Task State Change", detail = the
 * task as DescribeTasks shows it, with times as ISO strings) and as DescribeTasks returns them
 * (times as Dates), turned into the reducer's `TaskStateObserved`. The task's `group`
 * (`hyperp:{runId}`) names the run; its `startedBy` names the attempt or build.
 * Event shape: ECS Developer Guide, "Amazon ECS task state change events", read 2026-11.
 */
import type { ContainerState, EcsTaskStatus, TaskStateObserved } from '@hyperp/core';
import { STARTED_BY_PREFIX } from '@hyperp/core/internal';
import { runIdOfGroup } from '../interpret/ecs-launch.js';
import { ecsEventId } from '../run/event-ids.js';

type Time = string | Date | undefined | null;

/** The fields hyperp reads, common to the event detail and DescribeTasks' Task. */
export interface EcsTaskLike {
  readonly taskArn?: string;
  readonly group?: string;
  readonly startedBy?: string;
  readonly lastStatus?: string;
  readonly version?: number;
  readonly cpu?: string;
  readonly memory?: string;
  readonly containers?: readonly { readonly name?: string; readonly exitCode?: number; readonly reason?: string }[];
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  readonly pullStartedAt?: Time;
  readonly startedAt?: Time;
  readonly stoppedAt?: Time;
  readonly updatedAt?: Time;
  readonly attributes?: readonly { readonly name?: string; readonly value?: string }[];
  readonly ephemeralStorage?: { readonly sizeInGiB?: number };
}

export type NormalisedTaskEvent =
  | { readonly _tag: 'Event'; readonly runId: string; readonly id: string; readonly event: TaskStateObserved }
  | { readonly _tag: 'Ignore'; readonly reason: string };

/** Only these change what the reducer does; the other statuses would cost a write each. */
const FORWARDED: ReadonlySet<string> = new Set(['RUNNING', 'STOPPED']);

const millis = (t: Time): number | null => {
  if (t === undefined || t === null) return null;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
};

export const normaliseTask = (task: EcsTaskLike, observedAt: Time): NormalisedTaskEvent => {
  const runId = runIdOfGroup(task.group);
  if (!task.taskArn || !runId || !task.startedBy?.startsWith(STARTED_BY_PREFIX)) {
    return { _tag: 'Ignore', reason: `task ${task.taskArn ?? '(no ARN)'} was not started by hyperp` };
  }
  const status = task.lastStatus ?? '';
  if (!FORWARDED.has(status)) return { _tag: 'Ignore', reason: `status ${status || '(none)'} is not acted on` };
  const arch = task.attributes?.find((a) => a.name === 'ecs.cpu-architecture')?.value === 'arm64' ? 'arm64' : 'x86_64';
  const containers: ContainerState[] = (task.containers ?? []).map((c) => ({
    name: c.name ?? '',
    exitCode: typeof c.exitCode === 'number' ? c.exitCode : null,
    reason: c.reason ?? null,
  }));
  const at = millis(task.updatedAt) ?? millis(observedAt) ?? millis(task.stoppedAt) ?? 0;
  const event: TaskStateObserved = {
    _tag: 'TaskStateObserved',
    at,
    startedBy: task.startedBy,
    taskArn: task.taskArn,
    lastStatus: status as EcsTaskStatus,
    containers,
    stopCode: task.stopCode ?? null,
    stoppedReason: task.stoppedReason ?? null,
    pullStartedAt: millis(task.pullStartedAt),
    startedAt: millis(task.startedAt),
    stoppedAt: millis(task.stoppedAt),
    cpu: Number(task.cpu ?? 0),
    memory: Number(task.memory ?? 0),
    arch,
    ephemeralStorageGiB: task.ephemeralStorage?.sizeInGiB ?? 20,
  };
  return { _tag: 'Event', runId, id: ecsEventId(task.taskArn, status, task.version ?? 0), event };
};
