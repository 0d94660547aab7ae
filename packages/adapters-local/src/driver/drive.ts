/**
 * Drives one run to its end on this machine: fold the log with the core reducer, carry out the
 * commands, append their outcomes to the log, fold those, until the run has ended and nothing
 * is in flight. Every event — ours, or a `hyperp cancel` from another process — goes through
 * the log, so the state is always exactly the fold of the log. One process drives a run at a
 * time (the driver lock); a crashed driver's lock is stale and `resume` takes it over.
 */
import { appendLog, readLog } from '../store/event-log.js';
import { tryLock } from '../store/lock.js';
import { driverLockFile, eventsFile, type LocalLayout } from '../layout.js';
import {
  initialState,
  isTerminalRun,
  reduce,
  runEventShapeProblem,
  storedImageOf,
  vecGet,
  type Command,
  type RunEvent,
  type RunState,
  type RecordImage,
} from '@hyperp/core';
import { startedByLookup } from '@hyperp/core/internal';
import { recordImages } from '../runs/image-index.js';
import { writeRunSummary } from '../runs/summary-file.js';
import { runSummaryOf } from '../runs/view.js';
import type { Engine } from '../engine/types.js';
import { interpreter, type BuildSource, type RunSecrets } from './interpreter.js';
import type { Slots } from './slots.js';
import { outstandingCommands, pendingStopOf } from './outstanding.js';

export interface DriveOptions {
  readonly layout: LocalLayout;
  readonly runId: string;
  readonly engine: Engine;
  readonly parallel: number;
  readonly network: boolean;
  readonly source: BuildSource;
  /** Aborting it cancels the run cleanly (tasks stopped, run CANCELLED). */
  readonly signal?: AbortSignal;
  /** Called after each batch of events is folded (live view, progress lines). */
  readonly onState?: (state: RunState, events: readonly RunEvent[]) => void;
  readonly note?: (line: string) => void;
  /**
   * Where a built image is recorded; by default the local image store (`.hyperp/images/`), from
   * the `RecordImage` command alone, with this engine's name.
   */
  readonly recordImage?: (cmd: RecordImage) => void | Promise<void>;
  /** Called once this process drives the run (its lock taken, its log folded), before any command is carried out. */
  readonly onDriving?: (state: RunState) => void;
  /** How often the log is checked for events appended by other processes. */
  readonly pollMs?: number;
  /** `--parallel` slots shared by the runs of one command. */
  readonly slots?: Slots;
  /**
   * Drive the run although complete lines of its log are not events (skipped): what they
   * recorded is lost, so finished work may be done again. Without it such a log is refused.
   */
  readonly acceptDamagedLog?: boolean;
  /** The run's secrets, when its jobs declare any. */
  readonly secrets?: RunSecrets;
}

export class RunBusyError extends Error {
  override readonly name = 'RunBusyError';
}

/** The run has not ended, yet nothing is in flight and no wake-up is set: no event can come. */
export class RunStuckError extends Error {
  override readonly name = 'RunStuckError';
}

/** Complete lines of the run's log are not events; driving it could redo what they recorded. */
export class DamagedLogError extends Error {
  override readonly name = 'DamagedLogError';
  constructor(readonly path: string, readonly lines: readonly number[]) {
    super(`${path} has ${damagedLinesText(lines)} skipped: what they recorded is lost, and going on could run finished tasks again`);
  }
}

/** "2 damaged lines (line 7, 12)"; at most ten numbers. */
export const damagedLinesText = (lines: readonly number[]): string =>
  `${lines.length} damaged line${lines.length === 1 ? '' : 's'} (line ${lines.slice(0, 10).join(', ')}${lines.length > 10 ? ', …' : ''})`;

/** A run's log as events: lines that are not run events count as damaged. */
export const readRunLog = (path: string, offset = 0, firstLine = 1) => readLog<RunEvent>(path, offset, firstLine, runEventShapeProblem);

/** How long a run may sit with nothing in flight before it is declared stuck. */
const STUCK_AFTER_MS = 3000;

/**
 * The state of a run as its log says now (no lock needed: appends are whole lines), and the
 * numbers of the log's damaged lines, which the fold skipped (a torn last line is not damage).
 */
export const foldRun = (layout: LocalLayout, runId: string): { state: RunState; commands: Command[]; events: number; damagedLines: readonly number[]; offset: number } => {
  const log = readRunLog(eventsFile(layout, runId));
  let state = initialState();
  const commands: Command[] = [];
  for (const e of log.events) {
    const [next, cmds] = reduce(state, e);
    state = next;
    commands.push(...cmds);
  }
  return { state, commands, events: log.events.length, damagedLines: log.badLines, offset: log.offset };
};

/**
 * When an attempt of the log was running under a driver that is gone: from its RUNNING state to
 * the last event that driver logged (the sandbox died with it, at that time or a little later).
 */
export const diedWithDriver = (state: RunState, sb: string, lastLogged: number): { from: number; to: number; taskDefinitionArn: string } | undefined => {
  const ref = startedByLookup(state.startedByIndex, sb);
  if (ref === undefined || ref.kind !== 'task') return undefined;
  const job = vecGet(state.jobs, ref.job);
  const a = job === undefined ? undefined : vecGet(job.tasks, ref.index - 1)?.attempts[ref.attempt - 1];
  if (job?.taskDefinitionArn == null || a === undefined || a.runningAt === null || a.outcome !== null) return undefined;
  return { from: a.runningAt, to: Math.max(a.runningAt, lastLogged), taskDefinitionArn: job.taskDefinitionArn };
};

export const driveRun = async (o: DriveOptions): Promise<RunState> => {
  const path = eventsFile(o.layout, o.runId);
  const damaged = readRunLog(path).badLines;
  if (damaged.length > 0 && o.acceptDamagedLog !== true) throw new DamagedLogError(path, damaged);
  const lockPath = driverLockFile(o.layout, o.runId);
  const lock = tryLock(lockPath, 'driver');
  if (lock._tag === 'Held') {
    throw new RunBusyError(`run ${o.runId} is being driven by process ${lock.owner.pid} on ${lock.owner.host}; wait for it, or stop it with: hyperp cancel ${o.runId}`);
  }
  const note = o.note ?? (() => undefined);
  let state = initialState();
  let offset = 0;
  let line = 1;
  /** The newest event a previous driver wrote: its tasks ran at least until then. */
  let lastLogged = 0;
  const all: Command[] = [];
  const damagedLines: number[] = [];
  /** The fold so far, for `runs list`: written after each fold that changed it. */
  const summarize = () => writeRunSummary(o.layout, o.runId, runSummaryOf(o.runId, state, damagedLines), offset);
  {
    const log = readRunLog(path);
    for (const e of log.events) {
      const [next, cmds] = reduce(state, e);
      state = next;
      all.push(...cmds);
      // Outcomes and ticks come from a driver; requests and cancels may come from elsewhere, later.
      if (e._tag !== 'RunRequested' && e._tag !== 'CancelRequested' && e.at > lastLogged) lastLogged = e.at;
    }
    offset = log.offset;
    line = log.nextLine;
    damagedLines.push(...log.badLines);
    if (log.badLines.length > 0) note(`warning: ${path}: ${damagedLinesText(log.badLines)} are not events and were skipped`);
    summarize();
  }

  const interp = interpreter({
    layout: o.layout,
    runId: o.runId,
    engine: o.engine,
    parallel: o.parallel,
    network: o.network,
    repository: state.request?.settings.render.imageRepository ?? 'hyperp-local',
    source: o.source,
    emit: async (events) => {
      await appendLog(path, events);
      pump();
    },
    now: () => Date.now(),
    note,
    recordImage: o.recordImage ?? ((cmd) => recordImages(o.layout, [storedImageOf(cmd, o.engine.name)], note)
      .catch((e: unknown) => note(`warning: the image store index was not updated: ${(e as Error).message}`))),
    ...(o.slots ? { slots: o.slots } : {}),
    stopPending: (cmd) => pendingStopOf(state, cmd)?.reason,
    diedWithDriver: (sb) => diedWithDriver(state, sb, lastLogged),
    ...(o.secrets ? { secrets: o.secrets } : {}),
  });

  // Fold new lines of the log and carry out what they ask; one pump at a time.
  let pumping = false;
  let again = false;
  let wake: (() => void) | undefined;
  const pump = () => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const log = readRunLog(path, offset, line);
        offset = log.offset;
        line = log.nextLine;
        damagedLines.push(...log.badLines);
        if (log.badLines.length > 0) note(`warning: ${path}: ${damagedLinesText(log.badLines)} are not events and were skipped`);
        if (log.events.length === 0 && log.badLines.length === 0) continue;
        for (const e of log.events) {
          const [next, cmds] = reduce(state, e);
          state = next;
          for (const c of cmds) interp.carryOut(c);
        }
        summarize();
        if (log.events.length === 0) continue;
        o.onState?.(state, log.events);
      } while (again);
    } finally {
      pumping = false;
    }
    wake?.();
  };
  const onAbort = () => {
    void appendLog(path, [{ _tag: 'CancelRequested', at: Date.now(), reason: 'interrupted (Ctrl-C)', by: 'cli' } satisfies RunEvent]).then(pump);
  };
  const poll = setInterval(pump, o.pollMs ?? 200);
  try {
    o.onDriving?.(state);
    o.onState?.(state, []);
    for (const c of outstandingCommands(state, all)) interp.carryOut(c);
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
    pump();
    // Done when the run has ended and nothing it started is still in flight (zips, stops).
    let idleSince: number | undefined;
    while (!(isTerminalRun(state.status) && interp.busy() === 0)) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 1000);
      });
      wake = undefined;
      pump();
      // A reducer that refused the request (or any bug) must not leave `hyperp run` waiting forever.
      const idle = !isTerminalRun(state.status) && interp.busy() === 0 && interp.timers() === 0;
      idleSince = idle ? (idleSince ?? Date.now()) : undefined;
      if (idleSince !== undefined && Date.now() - idleSince > STUCK_AFTER_MS) {
        const why = state.diagnostics.recent.map((d) => `${d.code} (${d.event}): ${d.detail}`).join('; ');
        throw new RunStuckError(`run ${o.runId} is ${state.status} with nothing left to do${why ? `: ${why}` : ''}`);
      }
    }
    return state;
  } finally {
    clearInterval(poll);
    o.signal?.removeEventListener('abort', onAbort);
    interp.shutdown('hyperp stopped driving the run');
    lock.release();
  }
};
