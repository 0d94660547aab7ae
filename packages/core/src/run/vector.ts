/**
 * A persistent vector: an immutable array whose `set` and `push` copy one path of a 32-way trie
 * instead of the whole array, so updating one job of a 10,000-job run costs the same as one of
 * a 10-job run. Nodes are plain arrays, so a vector is plain JSON and survives a round trip
 * through a store unchanged.
 */
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Node = readonly unknown[];

/** An immutable sequence of `T` (plain JSON; read it with `vecGet`, `vecToArray`). */
export interface Vec<T> {
  readonly size: number;
  /** Bits to shift an index by at the root: 0 when the root is a leaf. */
  readonly shift: number;
  readonly root: readonly unknown[];
  /** Phantom marker for the element type; never present at run time. */
  readonly _t?: T;
}

export const vecEmpty = <T>(): Vec<T> => ({ size: 0, shift: 0, root: [] });

/** Builds a vector bottom-up in O(n). */
export const vecFromArray = <T>(xs: readonly T[]): Vec<T> => {
  if (xs.length <= WIDTH) return { size: xs.length, shift: 0, root: [...xs] };
  let level: Node[] = [];
  for (let i = 0; i < xs.length; i += WIDTH) level.push(xs.slice(i, i + WIDTH));
  let shift = 0;
  while (level.length > 1) {
    const up: Node[] = [];
    for (let i = 0; i < level.length; i += WIDTH) up.push(level.slice(i, i + WIDTH));
    level = up;
    shift += BITS;
  }
  return { size: xs.length, shift, root: level[0]! };
};

/** The element at index `i` of a `Vec`, or undefined. */
export const vecGet = <T>(v: Vec<T>, i: number): T | undefined => {
  if (!Number.isInteger(i) || i < 0 || i >= v.size) return undefined;
  let node: Node = v.root;
  for (let s = v.shift; s > 0; s -= BITS) node = node[(i >>> s) & MASK] as Node;
  return node[i & MASK] as T;
};

const setIn = (node: Node, shift: number, i: number, x: unknown): Node => {
  const copy = [...node];
  const slot = (i >>> shift) & MASK;
  copy[slot] = shift === 0 ? x : setIn((node[slot] as Node | undefined) ?? [], shift - BITS, i, x);
  return copy;
};

/** A vector with element `i` replaced; `v` itself when `i` is out of range. */
export const vecSet = <T>(v: Vec<T>, i: number, x: T): Vec<T> =>
  !Number.isInteger(i) || i < 0 || i >= v.size ? v : { size: v.size, shift: v.shift, root: setIn(v.root, v.shift, i, x) };

export const vecPush = <T>(v: Vec<T>, x: T): Vec<T> => {
  const i = v.size;
  if (i < 1 << (v.shift + BITS)) return { size: i + 1, shift: v.shift, root: setIn(v.root, v.shift, i, x) };
  const shift = v.shift + BITS;
  return { size: i + 1, shift, root: setIn([v.root], shift, i, x) };
};

const dropLast = (node: Node, shift: number, i: number): Node => {
  if (shift === 0) return node.slice(0, -1);
  const slot = (i >>> shift) & MASK;
  const child = dropLast(node[slot] as Node, shift - BITS, i);
  return child.length === 0 ? node.slice(0, slot) : [...node.slice(0, slot), child];
};

/** The vector without its last element. */
export const vecPop = <T>(v: Vec<T>): Vec<T> =>
  v.size === 0 ? v : { size: v.size - 1, shift: v.shift, root: dropLast(v.root, v.shift, v.size - 1) };

/** The elements of a `Vec` as an array (how to read the state's jobs and a job's tasks). */
export const vecToArray = <T>(v: Vec<T>): T[] => {
  const out: T[] = [];
  const walk = (node: Node, shift: number): void => {
    for (const c of node) if (shift === 0) out.push(c as T); else walk(c as Node, shift - BITS);
  };
  walk(v.root, v.shift);
  return out.slice(0, v.size);
};
