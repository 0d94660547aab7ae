// Lambda entry point: the run stepper, driven by the table's stream (or invoked with {runId}).
import type { RunEvent } from '@hyperp/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { streamHandler } from '../handlers/stream.js';
import { production } from '../production.js';
import { s3BlobStore } from '../aws/s3-blobs.js';

export const handler = async (event: DynamoDBStreamEvent | { runId: string; events?: RunEvent[] }) => {
  const p = production();
  await p.githubReady();
  // Direct invocation (the sweep): fold these events, or just carry out an unconfirmed outbox.
  if ('runId' in event) return p.stepper.step(event.runId, event.events ?? []);
  return streamHandler({ step: p.stepper.step, blobs: s3BlobStore(p.s3, p.config.artifactsBucket), log: p.log })(event);
};
