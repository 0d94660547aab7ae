/**
 * Wake-ups on time: a run's `ScheduleWakeup` (a retry back-off, a deadline, a launch slot)
 * becomes an SQS message delayed until that moment; the stepper function receives it and
 * appends a `Tick`, which the table's stream folds like any other event. SQS delays are precise
 * to the second and at most 15 minutes (SQS Developer Guide, "Amazon SQS delay queues", read
 * 2026-11); a longer wait is sent on in steps of 15 minutes by whoever receives it early.
 * EventBridge Scheduler's one-time schedules were the other candidate, but they fire anywhere
 * in the minute of their time (60-second precision, Scheduler User Guide "Schedule types", read
 * 2026-11): no better than the sweep's minute tick.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The message body: which run, and the epoch ms it asked to be woken at. */
export interface WakeupMessage {
  readonly runId: string;
  readonly at: number;
}

export const MAX_DELAY_SECONDS = 900;

/** Whole seconds from `now` until `at` (never early), within what SQS allows. */
export const delaySeconds = (at: number, now: number): number =>
  Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((at - now) / 1000)));

export const sendWakeup = async (sqs: Pick<SQSClient, 'send'>, queueUrl: string, m: WakeupMessage, now: number): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ runId: m.runId, at: m.at }), DelaySeconds: delaySeconds(m.at, now) }),
  );
};

export interface WakeupQueueDeps {
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  /** Wake-ups at most this far ahead are left to the stepper's in-process wait. */
  readonly inlineWaitMs: number;
  readonly now: () => number;
}

/** What the interpreter does with `ScheduleWakeup`. */
export const wakeupQueue =
  (d: WakeupQueueDeps) =>
  async (runId: string, at: number): Promise<void> => {
    const now = d.now();
    if (at - now <= d.inlineWaitMs) return;
    await sendWakeup(d.sqs, d.queueUrl, { runId, at }, now);
  };
