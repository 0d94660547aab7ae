// Lambda entry point: the run stepper, driven by the table's stream; by delayed wake-up messages
// (SQS), which it turns into ticks for the stream; or invoked with `{runId, events?}` (the sweep,
// or a step that reached its budget) to fold those events or carry out an unconfirmed outbox.
import type { RunEvent } from '@hyperp/core';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { s3BlobStore } from '../aws/s3-blobs.js';
import { streamHandler } from '../handlers/stream.js';
import { wakeupHandler } from '../handlers/wakeups.js';
import { config, events, gitHubApp, log, runStepper, s3, sqs } from '../production.js';

const isSqs = (event: object): event is SQSEvent =>
  'Records' in event && Array.isArray(event.Records) && (event.Records[0] as { eventSource?: string } | undefined)?.eventSource === 'aws:sqs';

export const handler = async (event: DynamoDBStreamEvent | SQSEvent | { runId: string; events?: RunEvent[] }) => {
  if (isSqs(event)) return wakeupHandler({ events: events(), sqs: sqs(), queueUrl: config().wakeupQueueUrl, now: Date.now, log })(event);
  await gitHubApp().ready();
  const { step } = runStepper();
  if ('runId' in event) return step(event.runId, event.events ?? []);
  return streamHandler({ step, blobs: s3BlobStore(s3(), config().artifactsBucket), log })(event as DynamoDBStreamEvent);
};
