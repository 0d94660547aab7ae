/**
 * The append-only event log of one run: one JSON value per line, each append fsync'd before it
 * is reported done. A crash mid-append leaves a torn last line (no trailing newline): readers
 * ignore it and the next append cuts it off first, so it is never fatal and never glued to the
 * next event. Appends from several processes are serialised by a short lock next to the log.
 * A complete line that is not an event (NUL bytes from a crash of the file system, `null`, a
 * stray value) is damage: it is skipped and reported by number, never folded.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { withLock } from './lock.js';

export interface LogRead<E> {
  readonly events: readonly E[];
  /** Byte offset just after the last complete line: where the next read continues. */
  readonly offset: number;
  /**
   * Complete lines that were not valid JSON, or not values `check` accepts (never written by
   * hyperp; reported, then skipped).
   */
  readonly badLines: readonly number[];
  /** The number the next complete line after `offset` has (for reading on from there). */
  readonly nextLine: number;
  /** True when the file ended in a torn (unterminated) line, which was ignored. */
  readonly tornTail: boolean;
}

const NL = 0x0a;

const readFrom = (path: string, offset: number): Buffer => {
  if (!existsSync(path)) return Buffer.alloc(0);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return Buffer.alloc(0);
    const buf = Buffer.alloc(size - offset);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
};

/** Why a parsed line is not a value of the log (undefined: it is one). */
export type LineCheck = (value: unknown) => string | undefined;

/**
 * Reads the complete lines after `offset` (0: the whole log). `firstLine` numbers lines for
 * messages when reading from an offset; `check` tells values of the log from damage.
 */
export const readLog = <E>(path: string, offset = 0, firstLine = 1, check: LineCheck = () => undefined): LogRead<E> => {
  const buf = readFrom(path, offset);
  const end = buf.lastIndexOf(NL) + 1; // 0 when no complete line
  const events: E[] = [];
  const badLines: number[] = [];
  let start = 0;
  let line = firstLine;
  while (start < end) {
    const nl = buf.indexOf(NL, start);
    const text = buf.subarray(start, nl).toString('utf8').trim();
    if (text !== '') {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      if (value !== undefined && check(value) === undefined) events.push(value as E);
      else badLines.push(line);
    }
    start = nl + 1;
    line++;
  }
  return { events, offset: offset + end, badLines, nextLine: line, tornTail: end < buf.length };
};

/** An event that has no JSON line (too deeply nested, a cycle, a BigInt, nothing at all). */
export class UnwritableEventError extends Error {
  override readonly name = 'UnwritableEventError';
}

/**
 * The lines of `events`, each one JSON value ending in a newline; throws `UnwritableEventError`
 * before anything is written when one has no JSON form, so a log never gets a partial line.
 */
export const encodeLines = (events: readonly unknown[]): string =>
  events.map((e, k) => {
    let json: string | undefined;
    try {
      json = JSON.stringify(e);
    } catch (err) {
      const why = err instanceof RangeError ? 'it is nested too deeply' : (err as Error).message;
      throw new UnwritableEventError(`event ${k + 1} of ${events.length} (${tagOf(e)}) cannot be written to the event log: ${why}`);
    }
    if (typeof json !== 'string') throw new UnwritableEventError(`event ${k + 1} of ${events.length} (${tagOf(e)}) cannot be written to the event log: it has no JSON form`);
    return `${json}\n`;
  }).join('');

const tagOf = (e: unknown): string => {
  const tag = typeof e === 'object' && e !== null ? (e as { _tag?: unknown })._tag : undefined;
  return typeof tag === 'string' ? tag.slice(0, 40) : typeof e;
};

/** Appends events as lines, under the log's lock, and fsyncs before returning. */
export const appendLog = async <E>(path: string, events: readonly E[]): Promise<void> => {
  if (events.length === 0) return;
  const text = encodeLines(events);
  mkdirSync(dirname(path), { recursive: true });
  await withLock(`${path}.lock`, 'append', () => {
    const fd = openSync(path, 'a+');
    try {
      cutTornTail(fd);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
};

/** Drops an unterminated last line left by a crash, so the next line starts clean. */
const cutTornTail = (fd: number): void => {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === NL) return;
  // Scan back in chunks for the previous newline.
  const chunk = Buffer.alloc(64 * 1024);
  let pos = size;
  while (pos > 0) {
    const from = Math.max(0, pos - chunk.length);
    const n = readSync(fd, chunk, 0, pos - from, from);
    const i = chunk.subarray(0, n).lastIndexOf(NL);
    if (i >= 0) {
      ftruncateSync(fd, from + i + 1);
      return;
    }
    pos = from;
  }
  ftruncateSync(fd, 0);
};
