/**
 * A persistent FIFO queue on a `Vec`: enqueue is a path copy, dequeue moves the head index.
 * Taken entries stay in the vector (they are bounded by the launches of one run), which keeps
 * both operations O(log32 n) and the queue plain JSON.
 */
import { type Vec, vecEmpty, vecGet, vecPush } from './vector.js';

/** A persistent FIFO queue (the state's launch queue), stored as a `Vec`: plain JSON. */
export interface Queue<T> {
  readonly items: Vec<T>;
  /** Index of the next entry to take. */
  readonly head: number;
}

export const queueEmpty = <T>(): Queue<T> => ({ items: vecEmpty<T>(), head: 0 });
export const queueLength = <T>(q: Queue<T>): number => q.items.size - q.head;
export const queuePeek = <T>(q: Queue<T>): T | undefined => vecGet(q.items, q.head);
export const enqueue = <T>(q: Queue<T>, x: T): Queue<T> => ({ items: vecPush(q.items, x), head: q.head });
export const dequeue = <T>(q: Queue<T>): Queue<T> =>
  q.head >= q.items.size ? q : { items: q.items, head: q.head + 1 };
