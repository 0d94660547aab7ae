/**
 * The persistent map `startedBy → launch` the reducer keeps so a task event, which ECS names only
 * by its `startedBy`, finds its attempt or build. A 16-way hash trie of fixed depth: an insert
 * copies three small nodes and one bucket, whatever the size of the run; plain JSON throughout.
 */
import type { LaunchRef } from './state.js';

const FANOUT = 16;
const DEPTH = 3;

type Bucket = readonly (readonly [string, LaunchRef])[];
/** A node holds FANOUT children (nodes, or buckets at the last level); null where empty. */
export interface StartedByIndex {
  readonly size: number;
  readonly root: readonly unknown[] | null;
}

export const startedByIndexEmpty: StartedByIndex = { size: 0, root: null };

/** FNV-1a over UTF-16 code units: a stable, well-spread hash for any string (not security). */
const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
};

const slotAt = (h: number, level: number): number => (h >>> (4 * level)) & (FANOUT - 1);

export const startedByLookup = (ix: StartedByIndex, startedBy: string): LaunchRef | undefined => {
  const h = fnv1a(startedBy);
  let node: unknown = ix.root;
  for (let level = 0; level < DEPTH; level++) {
    if (node === null || node === undefined) return undefined;
    node = (node as readonly unknown[])[slotAt(h, level)];
  }
  const bucket = (node ?? []) as Bucket;
  for (const [k, v] of bucket) if (k === startedBy) return v;
  return undefined;
};

const insertAt = (node: readonly unknown[] | null, level: number, h: number, key: string, ref: LaunchRef): readonly unknown[] => {
  const copy: unknown[] = node === null ? Array.from({ length: FANOUT }, () => null) : [...node];
  const slot = slotAt(h, level);
  if (level === DEPTH - 1) {
    const bucket = ((copy[slot] ?? []) as Bucket).filter(([k]) => k !== key);
    copy[slot] = [...bucket, [key, ref]];
  } else {
    copy[slot] = insertAt((copy[slot] ?? null) as readonly unknown[] | null, level + 1, h, key, ref);
  }
  return copy;
};

/** The index with `startedBy` mapped to `ref` (replacing an earlier mapping of the same key). */
export const startedByInsert = (ix: StartedByIndex, startedBy: string, ref: LaunchRef): StartedByIndex => ({
  size: startedByLookup(ix, startedBy) === undefined ? ix.size + 1 : ix.size,
  root: insertAt(ix.root, 0, fnv1a(startedBy), startedBy, ref),
});
