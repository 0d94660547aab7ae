/**
 * One local session: choose the engine, drive runs to their end with a view for the person
 * watching (the runtime records built images in the store). Shared by `run`, `resume`, `rerun` and `cancel`.
 */
import {
  DamagedLogError, driveLocalRun, ENGINE_CHOICES, openLocalEngine, RunBusyError, RunStuckError, slots, undelivered, type Engine, type EngineChoice, type LocalLayout, type LocalSecrets,
} from '@hyperp/adapters-local';
import { isTerminalRun, type RunRequested, type RunState } from '@hyperp/core';
import { cpus } from 'node:os';
import { CliError, UsageError, type CliContext } from '../context.js';
import { progressView } from './progress.js';

export const ENGINES = ENGINE_CHOICES;

/** `--engine`'s help: what it takes. */
export const ENGINE_HELP = 'auto | process | docker | podman (process: bubblewrap, else util-linux; bwrap | unshare: that sandbox)';

export const parseEngine = (s: string | undefined): EngineChoice => {
  const v = s ?? 'auto';
  if (!(ENGINES as readonly string[]).includes(v)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, not "${v}"`);
  return v as EngineChoice;
};

export const parseParallel = (s: string | undefined): number => {
  if (s === undefined) return Math.max(1, cpus().length);
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--parallel must be a whole number of 1 or more, not "${s}"`);
  return n;
};

export const openEngine = async (choice: EngineChoice, layout: LocalLayout): Promise<Engine> => {
  const opened = await openLocalEngine(choice, layout);
  if (opened._tag === 'NoEngine') throw new CliError(opened.message);
  return opened.engine;
};

export interface DriveInput {
  readonly layout: LocalLayout;
  readonly runId: string;
  readonly engine: Engine;
  readonly parallel: number;
  readonly network: boolean;
  /** The run's request (its first event): what it runs, at which commit, planned how. */
  readonly request: RunRequested;
  /** Drive it although lines of its log are damaged (skipped). */
  readonly acceptDamagedLog?: boolean;
  /** Secret values found locally, for the jobs that declare secrets. */
  readonly secrets?: LocalSecrets;
}

/** Drives runs at once, with one view of all of them; returns their final states. */
export const driveAll = async (ctx: CliContext, runs: readonly DriveInput[], quiet: boolean): Promise<RunState[]> => {
  const view = progressView(ctx, quiet);
  // One --parallel bound for every run of the command, as the option says.
  const shared = slots(Math.max(1, ...runs.map((r) => r.parallel)));
  try {
    return await Promise.all(runs.map(async (r) => {
      try {
        return await driveLocalRun({
          layout: r.layout,
          request: r.request,
          engine: r.engine,
          parallel: r.parallel,
          network: r.network,
          signal: ctx.signal,
          onState: (s, events) => view.update(r.runId, s, events),
          note: (line) => view.note(line),
          slots: shared,
          acceptDamagedLog: r.acceptDamagedLog === true,
          ...(r.secrets ? { secrets: r.secrets } : {}),
        });
      } catch (e) {
        if (e instanceof RunBusyError || e instanceof RunStuckError) throw new CliError(e.message);
        if (e instanceof DamagedLogError) {
          throw new CliError(`run ${r.runId}: ${e.message}. Look at those lines; to go on without them: hyperp resume ${r.runId} --accept-damaged-log`);
        }
        throw e;
      }
    }));
  } finally {
    view.close();
  }
};

/** Every run SUCCEEDED and delivered what its jobs made (a failed zip is a failure too). */
export const allSucceeded = (states: readonly RunState[]): boolean => states.every((s) => s.status === 'SUCCEEDED' && undelivered(s).length === 0);
export { isTerminalRun };
