/**
 * `reduce(state, event) -> [state', commands]`: the whole run lifecycle as a pure function.
 * It performs no I/O, reads no clock, draws no random number and never throws; it does not
 * change its arguments. Impossible or unknown events become diagnostics in the state.
 */
import type { Command } from './commands.js';
import type { RunEvent } from './events.js';
import type { RunState } from './state.js';

/** The reducer's result: the next state and the commands to carry out, in order. */
export type Step = readonly [state: RunState, commands: readonly Command[]];

export const reduce = (state: RunState, event: RunEvent): Step => [state, []];
