// @hyperp/adapters-local/summary: what listing the runs of `.hyperp/` needs — the layout, who
// drives a run, and each run's summary — without the runtime, the engines or the core's reducer,
// so a command that only lists loads a few small modules.
export { checkLayout, driverLockFile, eventsFile, listRunIds, localLayout, UnsafeLayoutError, type LocalLayout } from './layout.js';
export { lockHolder, type LockOwner } from './store/lock.js';
export { readRunSummary, runSummaryFile, writeRunSummary, type RunSummary } from './runs/summary-file.js';
