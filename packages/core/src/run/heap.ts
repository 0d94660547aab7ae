/**
 * A persistent binary min-heap stored in a `Vec`: push and pop touch O(log n) slots, each a
 * path copy, so timers (deadlines, retry back-offs) cost the same per event in any run size.
 * The order is passed in by the caller; the heap itself is plain data.
 */
import { type Vec, vecEmpty, vecGet, vecPop, vecPush, vecSet } from './vector.js';

/** A persistent binary heap (the state's timers), stored as a `Vec`: plain JSON. */
export type Heap<T> = Vec<T>;
export type Order<T> = (a: T, b: T) => number;

export const heapEmpty = <T>(): Heap<T> => vecEmpty<T>();

export const heapPeek = <T>(h: Heap<T>): T | undefined => vecGet(h, 0);

export const heapPush = <T>(h: Heap<T>, x: T, order: Order<T>): Heap<T> => {
  let v = vecPush(h, x);
  let i = v.size - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = vecGet(v, parent)!;
    if (order(p, x) <= 0) break;
    v = vecSet(vecSet(v, i, p), parent, x);
    i = parent;
  }
  return v;
};

/** The heap without its least element. */
export const heapPop = <T>(h: Heap<T>, order: Order<T>): Heap<T> => {
  if (h.size <= 1) return vecPop(h);
  const last = vecGet(h, h.size - 1)!;
  let v = vecSet(vecPop(h), 0, last);
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let least = i;
    if (l < v.size && order(vecGet(v, l)!, vecGet(v, least)!) < 0) least = l;
    if (r < v.size && order(vecGet(v, r)!, vecGet(v, least)!) < 0) least = r;
    if (least === i) return v;
    const a = vecGet(v, i)!;
    v = vecSet(vecSet(v, i, vecGet(v, least)!), least, a);
    i = least;
  }
};
