// Lambda entry point: the run stepper, driven by the table's stream, or invoked with
// `{runId, events?}` (the sweep) to fold those events or carry out an unconfirmed outbox.
import type { RunEvent } from '@hyperp/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { s3BlobStore } from '../aws/s3-blobs.js';
import { streamHandler } from '../handlers/stream.js';
import { config, gitHubApp, log, runStepper, s3 } from '../production.js';

export const handler = async (event: DynamoDBStreamEvent | { runId: string; events?: RunEvent[] }) => {
  await gitHubApp().ready();
  const { step } = runStepper();
  if ('runId' in event) return step(event.runId, event.events ?? []);
  return streamHandler({ step, blobs: s3BlobStore(s3(), config().artifactsBucket), log })(event);
};
