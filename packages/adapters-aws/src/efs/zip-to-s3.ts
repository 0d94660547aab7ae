/**
 * Zips a job's output folder on EFS into S3 as a stream: yazl reads one file at a time and
 * deflates it through zlib, and the archive goes up in multipart parts as it is made, so the
 * efs function zips outputs far larger than its memory or disk. yazl writes zip64 records where
 * the format needs them — a file or an archive over 4 GiB, or more than 65,535 entries (APPNOTE
 * 6.3.x, "4.4.1.4 / 4.3.14 Zip64"; yazl README, read 2026-12) — which fflate, used before, cannot.
 *
 * The folder is a job's, so hostile: what goes in is decided by the local zip's walk
 * (`@hyperp/adapters-local/output-walk`): nothing followed, symbolic links and FIFOs, sockets
 * and devices skipped with a note, each file opened with O_NOFOLLOW and checked to be the file
 * the walk saw, entry names made safe and unique by core's rules (`names/zip-entries.ts`), so a
 * job's zip has the same entries, names and notes wherever it ran. The notes are returned and
 * written in the zip's comment (`unzip -z`).
 *
 * S3 parts are 5 MiB to 5 GiB, at most 10,000 per upload (S3 User Guide, "Amazon S3 multipart
 * upload limits", read 2026-12): the part size grows with the output so any output fits.
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand,
  UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { archiveOf, walkOutput } from '@hyperp/adapters-local/output-walk';
import { stat } from 'node:fs/promises';

export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
const MAX_PART_BYTES = 5 * 1024 ** 3;

export interface ZipResult {
  /** The zip's size. */
  readonly bytes: number;
  /** Files and empty folders stored. */
  readonly files: number;
  /** What was skipped or renamed, one line each. */
  readonly notes: readonly string[];
}

/** A part size that fits an archive of about `estimate` bytes in S3's 10,000 parts. */
export const partBytesFor = (estimate: number, minimum = DEFAULT_PART_BYTES): number =>
  Math.min(MAX_PART_BYTES, Math.max(minimum, Math.ceil(estimate / (MAX_PARTS - 1))));

export const zipDirectoryToS3 = async (
  s3: Pick<S3Client, 'send'>,
  dir: string,
  bucket: string,
  key: string,
  minimumPartBytes = DEFAULT_PART_BYTES,
): Promise<ZipResult> => {
  // The folder itself is hyperp's (its layout path is a link the efs function made); what is in it is the job's.
  if (!(await stat(dir)).isDirectory()) throw new Error(`${dir} is not a folder`);
  const walked = await walkOutput(dir);
  const entries = walked.found;
  // Deflate grows incompressible data by well under 1%; headers take about 100 bytes per entry, twice.
  const estimate = entries.reduce((n, e) => n + (e.kind === 'file' ? e.size * 1.01 : 0) + 2 * (110 + Buffer.byteLength(e.name)), 65_536);
  const partBytes = partBytesFor(estimate, minimumPartBytes);

  let failure: Error | null = null;
  const { output: archive, stop } = archiveOf(walked, (e) => {
    failure ??= e;
    stop();
    archive.destroy(e);
  });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  const take = (): Buffer => {
    const b = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    return b;
  };
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  const flushPart = async (): Promise<void> => {
    if (!uploadId) {
      const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/zip' }));
      uploadId = r.UploadId;
    }
    const PartNumber = parts.length + 1;
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: take() }));
    parts.push({ ETag: r.ETag ?? '', PartNumber });
  };

  try {
    // Reading the archive one chunk at a time holds yazl back while a part goes up.
    for await (const chunk of archive) {
      pending.push(chunk as Buffer);
      pendingBytes += (chunk as Buffer).length;
      total += (chunk as Buffer).length;
      if (pendingBytes >= partBytes) await flushPart();
    }
    if (failure) throw failure;
    if (!uploadId) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: take(), ContentType: 'application/zip' }));
    } else {
      if (pendingBytes > 0) await flushPart();
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    }
    return { bytes: total, files: entries.length, notes: walked.notes };
  } catch (e) {
    archive.destroy();
    if (uploadId) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw failure ?? e;
  }
};
