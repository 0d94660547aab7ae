// The run reducer: types of its events, commands and state, the reducer, and ways to read a state.
export * from './events.js';
export * from './commands.js';
export * from './settings.js';
export * from './state.js';
export * from './constructors.js';
export * from './reduce.js';
export * from './codecs.js';
export * from './state-format.js';
export * from './vector.js';
export * from './lookup.js';
export { startedByLookup, type StartedByIndex } from './started-by-index.js';
export * from './rerun.js';
export { canonicalJson, eventIdentity } from './diagnostics.js';
export { runEventShapeProblem } from './event-shape.js';
export { runRequestShapeProblem } from './request-shape.js';
export * from './request.js';
export { commandKey, commandRetriesOf } from './command-retries.js';
export * from './retry-limits.js';
