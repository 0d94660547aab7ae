/**
 * Where a task attempt's log lives: `runs/<runId>/logs/<jobHash>/<index>-<attempt>.log`. Apart
 * from layout.ts because the job's hash is the core's: what reads the layout alone (listing the
 * runs) loads no core.
 */
import { join } from 'node:path';
import { jobHash } from '@hyperp/core/internal';
import { runDir, type LocalLayout } from './layout.js';

export const taskLogFile = (l: LocalLayout, runId: string, job: string, index: number, attempt: number): string =>
  join(runDir(l, runId), 'logs', jobHash(job), `${index}-${attempt}.log`);
