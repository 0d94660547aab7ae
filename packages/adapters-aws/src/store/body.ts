/**
 * How large JSON values (run states, RunRequested events that carry a whole plan) are stored
 * in an item: plain JSON while small, gzip above a few KB, and in S3 when even the gzip would
 * come near DynamoDB's 400 KB item limit. The limit counts attribute names and values of the
 * whole item (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html,
 * read 2026-11): we keep a body at most `INLINE_LIMIT_BYTES`, leaving room for keys and metadata.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** Bodies whose JSON is at most this many bytes stay readable in the console. */
export const PLAIN_LIMIT_BYTES = 4 * 1024;
/** Compressed bodies above this go to S3; the item keeps a pointer. 400 KB minus room for keys. */
export const INLINE_LIMIT_BYTES = 350 * 1024;

/** Where a body too large for an item goes: S3 under the artifacts bucket in production. */
export interface BlobStore {
  readonly put: (key: string, bytes: Uint8Array) => Promise<void>;
  readonly get: (key: string) => Promise<Uint8Array>;
}

export type StoredBody =
  | { readonly enc: 'json'; readonly body: string }
  | { readonly enc: 'gzip'; readonly body: Uint8Array }
  | { readonly enc: 's3'; readonly body: string };

export interface BodyCodec {
  readonly pack: (value: unknown, spillPrefix: string) => Promise<StoredBody>;
  readonly unpack: (stored: StoredBody) => Promise<unknown>;
}

export const bodyCodec = (blobs?: BlobStore): BodyCodec => ({
  pack: async (value, spillPrefix) => {
    const json = JSON.stringify(value);
    const bytes = Buffer.from(json, 'utf8');
    if (bytes.length <= PLAIN_LIMIT_BYTES) return { enc: 'json', body: json };
    const gz = gzipSync(bytes, { level: 6 });
    if (gz.length <= INLINE_LIMIT_BYTES) return { enc: 'gzip', body: new Uint8Array(gz) };
    if (!blobs) {
      throw new Error(
        `a ${gz.length}-byte compressed body (${spillPrefix}) exceeds the ${INLINE_LIMIT_BYTES}-byte item budget and no blob store is configured`,
      );
    }
    // Content-addressed, so a retried write puts the same object and old versions stay readable.
    const key = `${spillPrefix}/${createHash('sha256').update(gz).digest('hex')}.json.gz`;
    await blobs.put(key, gz);
    return { enc: 's3', body: key };
  },
  unpack: async (stored) => {
    switch (stored.enc) {
      case 'json':
        return JSON.parse(stored.body);
      case 'gzip':
        return JSON.parse(gunzipSync(stored.body).toString('utf8'));
      case 's3': {
        if (!blobs) throw new Error(`body ${stored.body} is in S3 and no blob store is configured`);
        return JSON.parse(gunzipSync(await blobs.get(stored.body)).toString('utf8'));
      }
    }
  },
});

/** Reads a body's attributes off an item (as the document client or a stream record gives them). */
export const storedBodyOf = (item: Record<string, unknown>, prefix = ''): StoredBody => {
  const enc = item[`${prefix}enc`];
  const body = item[`${prefix}body`];
  if (enc === 'json' && typeof body === 'string') return { enc, body };
  if (enc === 's3' && typeof body === 'string') return { enc, body };
  if (enc === 'gzip' && body instanceof Uint8Array) return { enc, body };
  throw new Error(`item ${String(item['pk'])}/${String(item['sk'])} has no readable ${prefix}body (enc ${String(enc)})`);
};

export const bodyAttributes = (stored: StoredBody, prefix = ''): Record<string, unknown> => ({
  [`${prefix}enc`]: stored.enc,
  [`${prefix}body`]: stored.body,
});
