/**
 * Delayed wake-up messages (SQS, see `aws/wakeup-queue.ts`) arriving at the stepper function.
 * A message that is due becomes a `Tick` appended to its run's log under `wake:{at}`: the table's
 * stream takes it to the stepper, so the run keeps one ordered writer, and a message delivered
 * twice appends once. A message that arrives early (a wait longer than SQS's 15-minute delay)
 * is sent on for the rest of the wait.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sendWakeup, type WakeupMessage } from '../aws/wakeup-queue.js';
import { wakeEventId } from '../run/event-ids.js';
import type { EventLog } from '../store/event-log.js';

export interface WakeupDeps {
  readonly events: EventLog;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  /** Epoch ms. */
  readonly now: () => number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

const parse = (body: string): WakeupMessage | null => {
  try {
    const m = JSON.parse(body) as Partial<WakeupMessage>;
    return typeof m.runId === 'string' && typeof m.at === 'number' && Number.isFinite(m.at) ? { runId: m.runId, at: m.at } : null;
  } catch {
    return null;
  }
};

export const wakeupHandler =
  (d: WakeupDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const m = parse(record.body);
      if (!m) {
        // Retrying cannot fix it; dropping it costs at most a minute (the sweep's tick).
        d.log('wake-up message ignored: not {runId, at}', { messageId: record.messageId, body: record.body.slice(0, 200) });
        continue;
      }
      try {
        const now = d.now();
        if (m.at > now) await sendWakeup(d.sqs, d.queueUrl, m, now);
        else await d.events.append({ id: wakeEventId(m.at), runId: m.runId, event: { _tag: 'Tick', at: now }, storedAt: new Date(now).toISOString() });
      } catch (e) {
        d.log('wake-up failed; SQS delivers it again', { messageId: record.messageId, error: (e as Error).message });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
