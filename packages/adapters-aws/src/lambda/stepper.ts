// Lambda entry point: the run stepper, driven by the table's stream (or invoked with {runId}).
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { streamHandler } from '../handlers/stream.js';
import { production } from '../production.js';
import { s3BlobStore } from '../aws/s3-blobs.js';

export const handler = async (event: DynamoDBStreamEvent | { runId: string }) => {
  const p = production();
  await p.githubReady();
  if ('runId' in event) return p.stepper.step(event.runId, []);
  return streamHandler({ step: p.stepper.step, blobs: s3BlobStore(p.s3, p.config.artifactsBucket), log: p.log })(event);
};
