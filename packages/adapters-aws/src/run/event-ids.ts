/**
 * Deterministic event ids: the same fact always gets the same id, so appending it again is a
 * no-op (the table's conditional put). Each id says where the fact came from.
 */
import type { RunEvent } from '@hyperp/core';

/** The run request: one per run. */
export const REQUESTED_EVENT_ID = 'requested';

/** An ECS task state change: ECS bumps `version` on every change of a task. */
export const ecsEventId = (taskArn: string, lastStatus: string, version: number): string =>
  `ecs:${taskArn}:${lastStatus}:${version}`;

/** The i-th event reporting the c-th command of the outbox saved at `version`. */
export const resultEventId = (version: number, command: number, i: number, event: RunEvent): string =>
  `cmd:${String(version).padStart(8, '0')}:${command}:${i}:${event._tag}`;

export const tickEventId = (at: number): string => `tick:${at}`;

/** A CLI or API request (cancel): its request id. */
export const requestEventId = (kind: string, requestId: string): string => `api:${kind}:${requestId}`;
