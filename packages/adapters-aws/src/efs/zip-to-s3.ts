/**
 * Zips a directory into S3 as a stream: files are read one at a time, deflated with fflate, and
 * the archive goes up in multipart parts, so a Lambda zips outputs much larger than its memory.
 * S3 parts are at least 5 MiB except the last (S3 "Multipart upload limits", read 2026-11).
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand,
  UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { Zip, ZipDeflate } from 'fflate';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** Every regular file under `dir`, as paths relative to it with `/`, sorted. */
export const listFilesUnder = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
};

export interface ZipResult {
  readonly bytes: number;
  readonly files: number;
}

export const zipDirectoryToS3 = async (
  s3: Pick<S3Client, 'send'>,
  dir: string,
  bucket: string,
  key: string,
  partBytes = DEFAULT_PART_BYTES,
): Promise<ZipResult> => {
  const files = await listFilesUnder(dir);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  let zipError: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) zipError = err;
    else {
      pending.push(chunk);
      pendingBytes += chunk.length;
      total += chunk.length;
    }
  });
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
    for (const file of files) {
      const entry = new ZipDeflate(file, { level: 6 });
      zip.add(entry);
      for await (const chunk of createReadStream(join(dir, file))) {
        entry.push(chunk as Buffer, false);
        if (pendingBytes >= partBytes) await flushPart();
      }
      entry.push(new Uint8Array(0), true);
      if (zipError) throw zipError;
      if (pendingBytes >= partBytes) await flushPart();
    }
    zip.end();
    if (zipError) throw zipError;
    if (!uploadId) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: take(), ContentType: 'application/zip' }));
    } else {
      if (pendingBytes > 0) await flushPart();
      await s3.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
    }
    return { bytes: total, files: files.length };
  } catch (e) {
    if (uploadId) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw e;
  }
};
