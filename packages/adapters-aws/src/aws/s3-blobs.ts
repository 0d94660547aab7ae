/** The body store's spill-over in S3 (under `hyperp-state/` of the artifacts bucket). */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../store/body.js';

export const STATE_PREFIX = 'hyperp-state/';

export const s3BlobStore = (s3: Pick<S3Client, 'send'>, bucket: string): BlobStore => ({
  put: async (key, bytes) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: STATE_PREFIX + key, Body: bytes, ContentType: 'application/gzip' }));
  },
  get: async (key) => {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: STATE_PREFIX + key }));
    if (!r.Body) throw new Error(`s3://${bucket}/${STATE_PREFIX}${key} has no body`);
    return r.Body.transformToByteArray();
  },
});
