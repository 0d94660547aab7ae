/**
 * Which runs have secret files on the file system: a small record per run, `secret-runs/{runId}`,
 * holding the run's secrets folders (layout paths, never a value). The efs function writes it
 * before it writes a run's first secret file and removes it once the run's secrets folders are
 * gone, so a run whose end-of-run removal failed, or never came (a crash, a retry used up), is
 * still known: the sweep asks for these records and removes the folders of runs that are no
 * longer active (`sweepSecretFiles`). Jobs never see the records: their access points are
 * rooted in `folders/`, and the records sit beside it under the efs function's own root.
 */
import { lstat, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const SECRET_RUNS_DIR = 'secret-runs';

/** A run id as hyperp makes them (`20261122-080000-3f2a9c1b7d`, a rerun's `…-r2`): a file name, never a path. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A record holds a few folder paths; a larger file is not one of ours. */
const RECORD_MAX_BYTES = 64 * 1024;

export interface SecretRun {
  readonly runId: string;
  /** The run's secrets folders, as layout paths relative to the artifacts root. */
  readonly paths: readonly string[];
  /** When the record was written (its mtime), in epoch milliseconds. */
  readonly writtenAt: number;
}

const recordPath = (root: string, runId: string): string => {
  if (!RUN_ID.test(runId)) throw new Error(`run id ${JSON.stringify(runId)} is not a run id`);
  return join(root, SECRET_RUNS_DIR, runId);
};

/** Records the run's secrets folders; a repeated command writes the same record again. */
export const recordSecretRun = async (root: string, runId: string, paths: readonly string[]): Promise<void> => {
  const file = recordPath(root, runId);
  await mkdir(join(root, SECRET_RUNS_DIR), { recursive: true, mode: 0o700 });
  // Created anew, never written through whatever is at the name.
  await rm(file, { force: true });
  await writeFile(file, JSON.stringify({ paths }), { mode: 0o600, flag: 'wx' });
};

export const forgetSecretRun = async (root: string, runId: string): Promise<void> => {
  await rm(recordPath(root, runId), { force: true });
};

const parsePaths = (text: string): readonly string[] | undefined => {
  try {
    const v = JSON.parse(text) as { paths?: unknown };
    return Array.isArray(v.paths) && v.paths.every((p) => typeof p === 'string') ? (v.paths as string[]) : undefined;
  } catch {
    return undefined;
  }
};

/** Every recorded run; an entry that is not a record of ours is skipped (and left alone). */
export const listSecretRuns = async (root: string): Promise<SecretRun[]> => {
  let names: string[];
  try {
    names = await readdir(join(root, SECRET_RUNS_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const runs: SecretRun[] = [];
  for (const runId of names.sort()) {
    if (!RUN_ID.test(runId)) continue;
    const file = join(root, SECRET_RUNS_DIR, runId);
    const st = await lstat(file).catch(() => undefined);
    if (!st?.isFile() || st.size > RECORD_MAX_BYTES) continue;
    const paths = parsePaths(await readFile(file, 'utf8').catch(() => ''));
    if (paths !== undefined) runs.push({ runId, paths, writtenAt: st.mtimeMs });
  }
  return runs;
};
