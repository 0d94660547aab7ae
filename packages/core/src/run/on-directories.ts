/** The artifact folders exist (jobs waiting only for them start) or cannot be made (the run fails). */
import type { DirectoriesEnsured, DirectoriesFailed } from './events.js';
import { maybeStartJob } from './jobs.js';
import { stopEverything } from './stop.js';
import { diagnose, type Tx } from './tx.js';

export const onDirectoriesEnsured = (tx: Tx, e: DirectoriesEnsured): void => {
  if (tx.s.directories === 'READY') return;
  if (tx.s.directories === 'FAILED') {
    diagnose(tx, 'ImpossibleEvent', e, 'the folders were reported failed before');
    return;
  }
  tx.s = { ...tx.s, directories: 'READY' };
  // Once per run: every job may have been waiting for the folders alone.
  for (let j = 0; j < tx.s.jobs.size; j++) maybeStartJob(tx, j);
};

export const onDirectoriesFailed = (tx: Tx, e: DirectoriesFailed): void => {
  if (tx.s.directories === 'FAILED') return;
  if (tx.s.directories === 'READY') {
    diagnose(tx, 'ImpossibleEvent', e, 'the folders were reported made before');
    return;
  }
  directoriesFailed(tx, e.reason);
};

/** The folders will not be made: the run fails (nothing of it can run without them). */
export const directoriesFailed = (tx: Tx, why: string): void => {
  if (tx.s.directories !== 'PENDING') return;
  const reason = `the run's artifact folders could not be made: ${why}`;
  tx.s = { ...tx.s, directories: 'FAILED', failure: tx.s.failure ?? reason };
  stopEverything(tx, reason);
};
