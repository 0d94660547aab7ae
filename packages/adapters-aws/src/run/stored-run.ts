/**
 * What a run's state item holds — the reducer's state and the adapter's facts about the run —
 * read through core's codec, in one place, by every function that loads a run. A state written
 * in an older format is upgraded as it is read (`decodeRunState`); one in a newer format (a
 * deployment rolled back past the version that wrote it) or a damaged one is refused with the
 * field and the reason, instead of being folded as if it were understood.
 */
import { decodeRunState, type Command, type RunState } from '@hyperp/core';
import type { SavedRun } from '../store/run-states.js';
import type { RunMeta } from './meta.js';

export interface StoredRun {
  readonly run: RunState;
  readonly meta: RunMeta;
}

/** A stored state this code cannot read: nothing is folded onto it or shown from it. */
export class UnreadableRunState extends Error {
  override readonly name = 'UnreadableRunState';
}

export const storedRunOf = (saved: SavedRun): SavedRun<StoredRun, Command> => {
  const body = saved.state as { run?: unknown; meta?: unknown } | null;
  const run = decodeRunState(body?.run);
  if (!run.ok) {
    const why = run.issues.map((i) => (i.field === '' ? i.message : `${i.field}: ${i.message}`)).join('; ');
    throw new UnreadableRunState(`the stored state of run ${saved.runId} cannot be read: ${why}`);
  }
  return { ...saved, state: { run: run.value, meta: body!.meta as RunMeta }, outbox: saved.outbox as readonly Command[] };
};
