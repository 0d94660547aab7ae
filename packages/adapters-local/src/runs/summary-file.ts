/**
 * `runs/<runId>/summary.json`: the line `hyperp runs list` shows of a run, written by the process
 * that folds its log whenever the run's state changes, so listing reads one small file per run
 * instead of replaying every run's events. It is a cache of the log, never a source: it holds the
 * byte length and modification time of the log it was made from, and a reader uses it only while
 * the log still has both. A log appended to since (a cancel from another process, a driver of an
 * older hyperp), a summary that is missing, damaged or not a plain file: the reader gets nothing
 * and folds the log. This module reads and writes files only (no core, no runtime), so the list
 * loads little.
 */
import { lstatSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsFile, runDir, type LocalLayout } from '../layout.js';

export interface RunSummary {
  readonly runId: string;
  /** Empty when the log has no request (its first line torn by a crash). */
  readonly workflow: string;
  readonly commit: string;
  readonly branch: string;
  readonly status: string;
  /** Whether the status is final (SUCCEEDED, FAILED, CANCELLED). */
  readonly ended: boolean;
  /** Whether the log holds the run's request (a run without one cannot be resumed). */
  readonly requested: boolean;
  readonly costUsd: number;
  /** Epoch milliseconds; null when unknown. */
  readonly requestedAt: number | null;
  readonly finishedAt: number | null;
  /** Lines of the log that are not events (skipped by the fold). */
  readonly damagedLines: readonly number[];
}

interface SummaryFile {
  readonly format: 1;
  /** The log this summary was made from: its length in bytes and its modification time. */
  readonly logBytes: number;
  readonly logMtimeMs: number;
  readonly summary: RunSummary;
}

/** A summary is a few hundred bytes; anything much larger is not one of ours. */
const MAX_BYTES = 64 * 1024;

export const runSummaryFile = (l: LocalLayout, runId: string): string => join(runDir(l, runId), 'summary.json');

/**
 * Records `summary` as the state of the run's log when that log is `logBytes` long (the offset
 * its fold reached). When the log has grown since (or ends in a torn line), nothing is written:
 * the summary would already be out of date. Written to a new file and renamed over the old one,
 * so a reader sees a whole summary or the previous one. A cache: failing to write it only makes
 * the next list fold the log, so errors are swallowed.
 */
export const writeRunSummary = (l: LocalLayout, runId: string, summary: RunSummary, logBytes: number): void => {
  const file = runSummaryFile(l, runId);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const log = statSync(eventsFile(l, runId));
    if (log.size !== logBytes) return;
    const content: SummaryFile = { format: 1, logBytes, logMtimeMs: log.mtimeMs, summary };
    writeFileSync(tmp, JSON.stringify(content) + '\n', { flag: 'w' });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
};

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isTime = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));

/** The summary's fields, checked one by one: the file is read back from disk. */
const summaryOf = (s: unknown, runId: string): RunSummary | undefined => {
  if (typeof s !== 'object' || s === null) return undefined;
  const v = s as Record<string, unknown>;
  const strings = ['workflow', 'commit', 'branch', 'status'] as const;
  if (v['runId'] !== runId || strings.some((k) => typeof v[k] !== 'string')) return undefined;
  if (typeof v['ended'] !== 'boolean' || typeof v['requested'] !== 'boolean') return undefined;
  if (typeof v['costUsd'] !== 'number' || !Number.isFinite(v['costUsd']) || !isTime(v['requestedAt']) || !isTime(v['finishedAt'])) return undefined;
  if (!Array.isArray(v['damagedLines']) || !v['damagedLines'].every(isCount)) return undefined;
  return {
    runId, workflow: v['workflow'] as string, commit: v['commit'] as string, branch: v['branch'] as string, status: v['status'] as string,
    ended: v['ended'], requested: v['requested'], costUsd: v['costUsd'], requestedAt: v['requestedAt'], finishedAt: v['finishedAt'],
    damagedLines: v['damagedLines'] as number[],
  };
};

/**
 * The run's summary when it still describes its log (same length, same modification time);
 * undefined when there is none, it is out of date, or it is not a summary: fold the log then.
 */
export const readRunSummary = (l: LocalLayout, runId: string): RunSummary | undefined => {
  try {
    const file = runSummaryFile(l, runId);
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (st === undefined || !st.isFile() || st.size > MAX_BYTES) return undefined;
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SummaryFile> | null;
    if (parsed?.format !== 1 || !isCount(parsed.logBytes) || typeof parsed.logMtimeMs !== 'number') return undefined;
    const log = statSync(eventsFile(l, runId));
    if (log.size !== parsed.logBytes || log.mtimeMs !== parsed.logMtimeMs) return undefined;
    return summaryOf(parsed.summary, runId);
  } catch {
    return undefined;
  }
};
