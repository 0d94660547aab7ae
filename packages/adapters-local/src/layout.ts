/**
 * Where the embedded runtime keeps things, all under `<repo>/.hyperp/` (which carries its own
 * `.gitignore` of `*`, so it is never committed):
 *   runs/<runId>/events.jsonl              the run's event log (state = its fold)
 *   runs/<runId>/driver.lock               held by the process driving the run
 *   runs/<runId>/summary.json              the run's line in `runs list`, a cache of the log (runs/summary-file.ts)
 *   runs/<runId>/taskdefs/<family>.json    task definitions as registered
 *   runs/<runId>/logs/<jobHash>/<index>-<attempt>.log   one log per task attempt
 *   runs/<runId>/logs/builds/<key>.log     one log per image build
 *   images/<key>/                          process-engine images (`rootfs/`, `image.json`)
 *   images/index.json                      the image store index `hyperp plan` reads
 *   artifacts/{commit}/{runId}/{wfHash}/{jobHash}/   job outputs; …/shared/{name}/ shared folders
 *   downloads/hyperp-artifacts/…/artifacts.zip       downloadable zips
 *   tmp/                                   per-task scratch copies of image files
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LocalLayout {
  readonly repoDir: string;
  readonly root: string;
  readonly runsDir: string;
  readonly imagesDir: string;
  readonly artifactsDir: string;
  readonly downloadsDir: string;
  readonly tmpDir: string;
}

export const localLayout = (repoDir: string): LocalLayout => {
  const root = join(repoDir, '.hyperp');
  return {
    repoDir,
    root,
    runsDir: join(root, 'runs'),
    imagesDir: join(root, 'images'),
    artifactsDir: join(root, 'artifacts'),
    downloadsDir: join(root, 'downloads'),
    tmpDir: join(root, 'tmp'),
  };
};

/**
 * `.hyperp/` is not a folder hyperp may use: tracked by git, or a link (it, or a folder hyperp
 * keeps in it). A cloned repository decides what its files are; it must not decide where hyperp
 * writes, what its clean-up deletes, or which images it trusts.
 */
export class UnsafeLayoutError extends Error {
  override readonly name = 'UnsafeLayoutError';
}

/** The folders of `.hyperp/` hyperp writes to, by name. */
const layoutFolders = ['runs', 'images', 'artifacts', 'downloads', 'tmp'] as const;

const linkProblem = (path: string, shown: string, st: Stats): string | undefined => {
  if (st.isSymbolicLink()) return `${shown} is a symbolic link (to ${readlinkSync(path, 'utf8')})`;
  return st.isDirectory() ? undefined : `${shown} is not a folder`;
};

/** Files of `.hyperp/` that git tracks in the repository holding `repoDir` (none outside git). */
const trackedStateFiles = (repoDir: string): string[] => {
  try {
    const out = execFileSync('git', ['--literal-pathspecs', 'ls-files', '-z', '--', '.hyperp'], {
      cwd: repoDir, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
    return out.toString('utf8').split('\0').filter((f) => f !== '');
  } catch {
    return []; // not a git repository: nothing is tracked
  }
};

/**
 * Refuses a `.hyperp/` that git tracks or that is, or holds at `runs`, `images`, `artifacts`,
 * `downloads`, `tmp` or `.gitignore`, a symbolic link or something other than a folder (file).
 * Every command of the local runtime checks this before it reads or writes there.
 */
export const checkLayout = (l: Pick<LocalLayout, 'root'>): void => {
  const fix = `; hyperp keeps its state in a real folder it makes itself: remove it and run again`;
  const root = lstatSync(l.root, { throwIfNoEntry: false });
  if (root !== undefined) {
    const problem = linkProblem(l.root, '.hyperp', root);
    if (problem !== undefined) throw new UnsafeLayoutError(`${problem}, in ${dirname(l.root)}${fix}`);
    for (const name of layoutFolders) {
      const path = join(l.root, name);
      const st = lstatSync(path, { throwIfNoEntry: false });
      const p = st === undefined ? undefined : linkProblem(path, `.hyperp/${name}`, st);
      if (p !== undefined) throw new UnsafeLayoutError(`${p}, in ${dirname(l.root)}${fix}`);
    }
    const ignore = lstatSync(join(l.root, '.gitignore'), { throwIfNoEntry: false });
    if (ignore !== undefined && !ignore.isFile()) throw new UnsafeLayoutError(`.hyperp/.gitignore is not a file, in ${dirname(l.root)}${fix}`);
  }
  const tracked = trackedStateFiles(dirname(l.root));
  if (tracked.length > 0) {
    throw new UnsafeLayoutError(
      `.hyperp is tracked by git (${tracked.length} file${tracked.length === 1 ? '' : 's'}, e.g. ${tracked[0]}) in ${dirname(l.root)}: ` +
      `hyperp's local state is never committed, and a committed one is not trusted; remove it with git rm -r --cached .hyperp and delete the folder`,
    );
  }
};

/**
 * Makes `.hyperp/` with a `.gitignore` that keeps all of it out of git. Everything that writes
 * under `.hyperp/` calls this (or `ensureLayout`) first, so no command leaves it in `git status`,
 * and none writes into a `.hyperp/` that `checkLayout` refuses.
 */
export const ensureIgnored = (l: Pick<LocalLayout, 'root'>): void => {
  checkLayout(l);
  mkdirSync(l.root, { recursive: true });
  const ignore = join(l.root, '.gitignore');
  try {
    // O_EXCL: never written through a link, never over the user's own file.
    writeFileSync(ignore, '# hyperp local state: never committed\n*\n', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
};

/** Makes `.hyperp/` (ignored by git) and its folders. */
export const ensureLayout = (l: LocalLayout): void => {
  ensureIgnored(l);
  for (const d of [l.runsDir, l.imagesDir, l.artifactsDir, l.downloadsDir, l.tmpDir]) mkdirSync(d, { recursive: true });
  checkLayout(l); // a folder that appeared meanwhile as a link is still refused
};

export const runDir = (l: LocalLayout, runId: string): string => join(l.runsDir, runId);
export const eventsFile = (l: LocalLayout, runId: string): string => join(runDir(l, runId), 'events.jsonl');
export const driverLockFile = (l: LocalLayout, runId: string): string => join(runDir(l, runId), 'driver.lock');
export const taskDefinitionFile = (l: LocalLayout, runId: string, family: string): string =>
  join(runDir(l, runId), 'taskdefs', `${family}.json`);
export const buildLogFile = (l: LocalLayout, runId: string, key: string): string => join(runDir(l, runId), 'logs', 'builds', `${key}.log`);

/** Run ids on disk, oldest first (ids sort by creation time). */
export const listRunIds = (l: LocalLayout): string[] =>
  existsSync(l.runsDir) ? readdirSync(l.runsDir).filter((d) => existsSync(eventsFile(l, d))).sort() : [];

/**
 * A new run id: UTC time to the millisecond and a random suffix, so ids sort by creation and two
 * runs started in the same millisecond still differ. Letters, digits and `-` only (path-safe).
 */
export const newRunId = (now: Date = new Date(), random: () => number = Math.random): string => {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const t = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}${p(now.getUTCMilliseconds(), 3)}`;
  const suffix = Math.floor(random() * 0x10000).toString(16).padStart(4, '0');
  return `${t}-${suffix}`;
};
