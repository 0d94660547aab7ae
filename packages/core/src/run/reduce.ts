/**
 * `reduce(state, event) -> [state', commands]`: the whole run lifecycle as a pure function.
 * It performs no I/O, reads no clock, draws no random number, never throws and never changes
 * its arguments. Unknown, late or impossible events become diagnostics in the state.
 */
import type { Command } from './commands.js';
import type { RunEvent } from './events.js';
import { pumpLaunches } from './launch.js';
import { dropStaleTimers, fireDueTimers } from './fire-timers.js';
import { settleRun } from './finish.js';
import { onCancelRequested } from './on-cancel.js';
import { fireDueRetries, onCommandFailed } from './command-retries.js';
import { onDirectoriesEnsured, onDirectoriesFailed } from './on-directories.js';
import { onDownloadableFailed, onDownloadableReady } from './on-downloadable.js';
import { onImageBuildFailed, onImageBuildStarted, onImageBuildSucceeded } from './on-image-build.js';
import { onRunRequested } from './on-run-requested.js';
import { onTaskDefinitionRegistered, onTaskDefinitionRejected } from './on-task-definition.js';
import { onTaskLaunchAccepted, onTaskLaunchRejected } from './on-task-launch.js';
import { onTaskStateObserved } from './on-task-state.js';
import { isTerminalRun, type RunState } from './state.js';
import { scheduleWakeup } from './timers.js';
import { withEndingEvent } from './diagnostics.js';
import { diagnose, type Tx } from './tx.js';

/** The reducer's result: the next state and the commands to carry out, in order. */
export type Step = readonly [state: RunState, commands: readonly Command[]];

const apply = (tx: Tx, event: RunEvent): void => {
  switch (event._tag) {
    case 'RunRequested': return onRunRequested(tx, event);
    case 'DirectoriesEnsured': return onDirectoriesEnsured(tx, event);
    case 'DirectoriesFailed': return onDirectoriesFailed(tx, event);
    case 'TaskDefinitionRegistered': return onTaskDefinitionRegistered(tx, event);
    case 'TaskDefinitionRejected': return onTaskDefinitionRejected(tx, event);
    case 'ImageBuildStarted': return onImageBuildStarted(tx, event);
    case 'ImageBuildSucceeded': return onImageBuildSucceeded(tx, event);
    case 'ImageBuildFailed': return onImageBuildFailed(tx, event);
    case 'TaskLaunchAccepted': return onTaskLaunchAccepted(tx, event);
    case 'TaskLaunchRejected': return onTaskLaunchRejected(tx, event);
    case 'TaskStateObserved': return onTaskStateObserved(tx, event);
    case 'DownloadableReady': return onDownloadableReady(tx, event);
    case 'DownloadableFailed': return onDownloadableFailed(tx, event);
    case 'CancelRequested': return onCancelRequested(tx, event);
    case 'CommandFailed': return onCommandFailed(tx, event);
    case 'Tick': return;
    default: {
      const unknown: { _tag?: unknown } = event;
      return diagnose(tx, 'ImpossibleEvent', event, `unknown event "${String(unknown._tag)}"`);
    }
  }
};

/** Events a state with no request yet can take; the rest wait for nothing and are counted. */
const beforeRequest = new Set<string>(['RunRequested', 'CancelRequested', 'Tick']);

const step = (tx: Tx, event: RunEvent): void => {
  if (!Number.isFinite(event.at)) {
    diagnose(tx, 'ImpossibleEvent', event, `the event's time ${String(event.at)} is not a number of milliseconds`);
    return;
  }
  if (isTerminalRun(tx.s.status)) {
    // A registration that lands after the end still has to be deregistered.
    if (event._tag === 'TaskDefinitionRegistered') onTaskDefinitionRegistered(tx, event);
    else if (!(event._tag === 'RunRequested' && event.runId === tx.s.runId)) {
      diagnose(tx, 'AfterRunFinished', event, `the run ended ${tx.s.status}`);
    }
    return;
  }
  if (tx.s.runId === null && !beforeRequest.has(event._tag)) {
    diagnose(tx, 'BeforeRunRequested', event, 'no RunRequested has been applied');
    return;
  }
  if (event.at > tx.s.now) tx.s = { ...tx.s, now: event.at };
  if (tx.s.wakeupAt !== null && tx.s.wakeupAt <= tx.s.now) tx.s = { ...tx.s, wakeupAt: null };
  apply(tx, event);
  if (tx.s.runId === null || isTerminalRun(tx.s.status)) return;
  fireDueTimers(tx);
  fireDueRetries(tx);
  pumpLaunches(tx);
  settleRun(tx);
  if (isTerminalRun(tx.s.status)) return;
  dropStaleTimers(tx);
  scheduleWakeup(tx);
};

/**
 * The run reducer: applies one event to a state and returns the next state and the commands to
 * carry out. Pure; never throws; an event applied twice changes nothing.
 */
export const reduce = (state: RunState, event: RunEvent): Step => {
  const tx: Tx = { s: state, out: [] };
  try {
    step(tx, event);
  } catch (err) {
    // Unreachable by design; if a bug throws, the event is recorded instead of losing the run.
    const fallback: Tx = { s: state, out: [] };
    diagnose(fallback, 'ImpossibleEvent', event, `the reducer failed on this event: ${err instanceof Error ? err.message : String(err)}`);
    return [fallback.s, []];
  }
  if (!isTerminalRun(state.status) && isTerminalRun(tx.s.status)) tx.s = { ...tx.s, diagnostics: withEndingEvent(tx.s.diagnostics, event) };
  return [tx.s, tx.out];
};

/** Folds events from a state: `[final state, every command in order]`. */
export const reduceAll = (state: RunState, events: readonly RunEvent[]): Step => {
  let s = state;
  const out: Command[] = [];
  for (const e of events) {
    const [next, commands] = reduce(s, e);
    s = next;
    out.push(...commands);
  }
  return [s, out];
};
