/**
 * Finding a job of a state by name. Job names are user text ("constructor", "__proto__" are
 * valid), so the index is read with `Object.hasOwn`, never by plain property access.
 */
import type { JobRecord, RunState } from './state.js';
import { vecGet } from './vector.js';

/** The job named `name` and its index, or undefined when the run has no such job. */
export const jobNamed = (state: RunState, name: string): { readonly j: number; readonly job: JobRecord } | undefined => {
  const index = state.graph?.jobIndex;
  if (index === undefined || !Object.hasOwn(index, name)) return undefined;
  const j = index[name]!;
  const job = vecGet(state.jobs, j);
  return job === undefined ? undefined : { j, job };
};
