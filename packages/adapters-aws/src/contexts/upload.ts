/**
 * Build contexts in S3: the stepper, which carries out `BuildImage` and holds the GitHub App's
 * access, packs an image's context (exactly the files of its key, `entries.ts`, as a deterministic
 * tar.gz, `archive.ts`) under `hyperp-contexts/{imageKey}.tar.gz`, and kaniko reads it with
 * `--context=s3://bucket/key` using the builder's task role. No credential reaches the builder.
 *
 * - An object already there is the same context (content-addressed, deterministic): HeadObject
 *   first, and nothing is read or written again — unless it is near its expiry (`lifetime.ts`).
 * - S3 shows an object only once its PutObject or CompleteMultipartUpload succeeded (S3 User
 *   Guide, "Uploading and copying objects using multipart upload": "Amazon S3 … creates the
 *   object from the uploaded parts" on completion; read 2026-12): a function that dies mid-upload
 *   leaves at most parts, never an object a builder would read; the bucket's lifecycle aborts
 *   such uploads after a day.
 * - Parts are at least 5 MiB except the last (S3 "Multipart upload limits", read 2026-12).
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand, PutObjectCommand,
  UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { BuildImage } from '@hyperp/core';
import type { GitHub } from '../github/app-client.js';
import { listBlobs, readBlobBytes, type RepoRef } from '../github/repo-reader.js';
import type { RunMeta } from '../run/meta.js';
import type { ImageStore } from '../store/images.js';
import { writeContextArchive } from './archive.js';
import { CONTEXT_LIMITS, contextEntries, type ContextLimits } from './entries.js';
import { CONTEXT_REFRESH_AFTER_DAYS } from './lifetime.js';

export const CONTEXTS_PREFIX = 'hyperp-contexts/';

/** The object of an image's context: named by the image key, so every build of the key shares it. */
export const contextObjectKey = (imageKey: string): string => `${CONTEXTS_PREFIX}${imageKey}.tar.gz`;

export type ContextOutcome =
  | { readonly _tag: 'Ready'; readonly uri: string; readonly uploaded: boolean }
  /** The context cannot be built as the repository holds it (too large, a hostile name…): the reason says why. */
  | { readonly _tag: 'Refused'; readonly reason: string };

/** What carrying out a build needs of its context. */
export interface BuildContexts {
  readonly ensure: (c: BuildImage, meta: RunMeta) => Promise<ContextOutcome>;
}

export interface BuildContextDeps {
  readonly s3: Pick<S3Client, 'send'>;
  readonly bucket: string;
  readonly github: (installationId: number) => GitHub;
  readonly images: Pick<ImageStore, 'planned'>;
  /** Epoch ms. */
  readonly now: () => number;
  readonly limits?: ContextLimits;
  readonly partBytes?: number;
}

export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** At most this many contexts are packed at once per process: each holds blobs and a part in memory. */
const PARALLEL_CONTEXTS = 2;

const DAY_MS = 24 * 3600 * 1000;

/** HeadObject's answer for a context not packed yet: the object is packed now, not an error. */
export const CONTEXT_NOT_PACKED: readonly string[] = ['NotFound'];

/** Whether a usable context is there: packed, and not near its expiry (`lifetime.ts`). */
const usable = async (s3: Pick<S3Client, 'send'>, bucket: string, key: string, now: number): Promise<boolean> => {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const age = head.LastModified ? now - head.LastModified.getTime() : 0;
    return age < CONTEXT_REFRESH_AFTER_DAYS * DAY_MS;
  } catch (e) {
    // HEAD has no body: a missing key is `NotFound` with 404 (with s3:ListBucket; without it S3
    // answers 403, S3 API Reference "HeadObject", read 2026-12 — the stepper is granted it).
    const x = e as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
    if (CONTEXT_NOT_PACKED.includes(String(x.name)) || x.$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
};

/** Uploads the chunks `write` produces as one object: one PutObject when small, else a multipart upload. */
const uploadStream = async (
  s3: Pick<S3Client, 'send'>, bucket: string, key: string, partBytes: number,
  write: (sink: (chunk: Uint8Array) => Promise<void>) => Promise<void>,
): Promise<void> => {
  const ContentType = 'application/gzip';
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  const take = (): Buffer => {
    const b = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    return b;
  };
  const flushPart = async (): Promise<void> => {
    uploadId ??= (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType }))).UploadId;
    const PartNumber = parts.length + 1;
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: take() }));
    parts.push({ ETag: r.ETag ?? '', PartNumber });
  };
  try {
    await write(async (chunk) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= partBytes) await flushPart();
    });
    if (!uploadId) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: take(), ContentType }));
      return;
    }
    if (pendingBytes > 0) await flushPart();
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
  } catch (e) {
    if (uploadId) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw e;
  }
};

/** A counting gate: at most `n` holders at once, the others wait in order. */
const gate = (n: number) => {
  let free = n;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
};

export const buildContexts = (d: BuildContextDeps): BuildContexts => {
  const limited = gate(PARALLEL_CONTEXTS);
  return {
    ensure: async (c, meta) => {
      const key = contextObjectKey(c.key);
      const uri = `s3://${d.bucket}/${key}`;
      if (await usable(d.s3, d.bucket, key, d.now())) return { _tag: 'Ready', uri, uploaded: false };
      const planned = await d.images.planned(c.key);
      if (!planned) {
        return { _tag: 'Refused', reason: `build context: the files of image ${c.key.slice(0, 12)} were not recorded when it was planned; push again to plan it anew` };
      }
      const [owner, repo] = meta.repo.split('/') as [string, string];
      const ref: RepoRef = { owner, repo, commit: c.commit };
      const gh = d.github(meta.installationId);
      return limited(async (): Promise<ContextOutcome> => {
        const chosen = contextEntries(c.context, planned.files, await listBlobs(gh, ref), d.limits ?? CONTEXT_LIMITS);
        if (chosen._tag === 'Refused') return chosen;
        await uploadStream(d.s3, d.bucket, key, d.partBytes ?? DEFAULT_PART_BYTES, (sink) =>
          writeContextArchive(chosen.entries, (e) => readBlobBytes(gh, ref, e.blob), sink),
        );
        return { _tag: 'Ready', uri, uploaded: true };
      });
    },
  };
};
