/**
 * DynamoDB's item size and write units by its documented rule, for figures where DynamoDB's own
 * ReturnConsumedCapacity is not at hand: an item's size is the UTF-8 length of its attribute
 * names plus their values — strings their UTF-8 bytes, binary its bytes, a number about one byte
 * per two significant digits plus one, a boolean or null one byte, a list or map 3 bytes plus
 * its elements and one byte per element (DynamoDB Developer Guide, "Item sizes and formats");
 * a standard write costs one write unit per 1 KB of the item, rounded up, a transactional write
 * two (DynamoDB Developer Guide, "DynamoDB read/write capacity mode"; both read 2026-12).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Significant digits of a DynamoDB number: leading and trailing zeros do not count. */
const numberBytes = (n: string): number => {
  const digits = n.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

export const valueBytes = (v: AttributeValue): number => {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberBytes(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + numberBytes(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((n, b) => n + b.byteLength, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + valueBytes(e) + 1, 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + utf8(k) + valueBytes(e) + 1, 0);
  return 0;
};

/** An item's size as DynamoDB counts it. */
export const itemSize = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((n, [k, v]) => n + utf8(k) + valueBytes(v), 0);

/** Write units of writing an item of `bytes` (standard, or in a transaction). */
export const writeUnits = (bytes: number, transactional = false): number => Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);

/** The same rule on an item as the document client takes it (before it marshals it). */
export const plainValueBytes = (v: unknown): number => {
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number' || typeof v === 'bigint') return numberBytes(String(v));
  if (typeof v === 'boolean' || v === null) return 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (Array.isArray(v)) return 3 + v.reduce((n: number, e) => n + plainValueBytes(e) + 1, 0);
  if (typeof v === 'object') return 3 + Object.entries(v as object).reduce((n, [k, e]) => n + (e === undefined ? 0 : utf8(k) + plainValueBytes(e) + 1), 0);
  return 0;
};

export const plainItemSize = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce((n, [k, v]) => n + (v === undefined ? 0 : utf8(k) + plainValueBytes(v)), 0);
