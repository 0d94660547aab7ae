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

/** A task ECS no longer knows (DescribeTasks answered MISSING): its end, as the sweep concluded it. */
export const ecsMissingEventId = (taskArn: string): string => `ecs:${taskArn}:MISSING`;

/** The i-th event reporting the c-th command of the outbox saved at `version`. */
export const resultEventId = (version: number, command: number, i: number, event: RunEvent): string =>
  `cmd:${String(version).padStart(8, '0')}:${command}:${i}:${event._tag}`;

/** A sweep's tick, one per minute per run. */
export const tickEventId = (at: number): string => `tick:${at}`;

/** A tick of a delayed wake-up message, one per wake-up time (the stream folds it). */
export const wakeEventId = (at: number): string => `wake:${at}`;

/** A tick the stepper made itself after waiting in-process for a wake-up. */
export const inlineTickEventId = (at: number): string => `itick:${at}`;

export const RESULT_ID_PREFIX = 'cmd:';
export const INLINE_TICK_ID_PREFIX = 'itick:';

/** Events their own writer folds: the stream need not bring them to the stepper again. */
export const foldedByWriter = (eventId: string): boolean =>
  eventId.startsWith(RESULT_ID_PREFIX) || eventId.startsWith(INLINE_TICK_ID_PREFIX);

/** A CLI or API request (cancel): its request id. */
export const requestEventId = (kind: string, requestId: string): string => `api:${kind}:${requestId}`;
