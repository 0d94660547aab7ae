/**
 * A local run as the CLI shows it (`run --json`, `runs show --json`): core's view of the state,
 * with the job folders under the local artifact store and the log files of the local layout.
 */
import { join } from 'node:path';
import { runView as coreRunView, type RunState, type RunView, type ViewPlaces } from '@hyperp/core';
import { taskLogFile, type LocalLayout } from '../layout.js';

export type { JobView, RunView } from '@hyperp/core';

export const localPlaces = (layout: LocalLayout, runId: string): ViewPlaces => ({
  outputDir: (artifactPath) => join(layout.artifactsDir, artifactPath),
  logFile: (job, index, a) => taskLogFile(layout, runId, job, index, a.attempt),
});

export const runView = (state: RunState, layout: LocalLayout): RunView => coreRunView(state, localPlaces(layout, state.runId ?? ''));
