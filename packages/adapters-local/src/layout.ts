/**
 * Where the embedded runtime keeps things, all under `<repo>/.hyperp/` (which carries its own
 * `.gitignore` of `*`, so it is never committed):
 *   runs/<runId>/events.jsonl              the run's event log (state = its fold)
 *   runs/<runId>/driver.lock               held by the process driving the run
 *   runs/<runId>/taskdefs/<family>.json    task definitions as registered
 *   runs/<runId>/logs/<jobHash>/<index>-<attempt>.log   one log per task attempt
 *   runs/<runId>/logs/builds/<key>.log     one log per image build
 *   images/<key>/                          process-engine images (`rootfs/`, `image.json`)
 *   images/index.json                      the image store index `hyperp plan` reads
 *   artifacts/{commit}/{runId}/{wfHash}/{jobHash}/   job outputs; …/shared/{name}/ shared folders
 *   downloads/hyperp-artifacts/…/artifacts.zip       downloadable zips
 *   tmp/                                   per-task scratch copies of image files
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobHash } from '@hyperp/core';

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
 * Makes `.hyperp/` with a `.gitignore` that keeps all of it out of git. Everything that writes
 * under `.hyperp/` calls this (or `ensureLayout`) first, so no command leaves it in `git status`.
 */
export const ensureIgnored = (l: Pick<LocalLayout, 'root'>): void => {
  mkdirSync(l.root, { recursive: true });
  const ignore = join(l.root, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# hyperp local state: never committed\n*\n');
};

/** Makes `.hyperp/` (ignored by git) and its folders. */
export const ensureLayout = (l: LocalLayout): void => {
  ensureIgnored(l);
  for (const d of [l.runsDir, l.imagesDir, l.artifactsDir, l.downloadsDir, l.tmpDir]) mkdirSync(d, { recursive: true });
};

export const runDir = (l: LocalLayout, runId: string): string => join(l.runsDir, runId);
export const eventsFile = (l: LocalLayout, runId: string): string => join(runDir(l, runId), 'events.jsonl');
export const driverLockFile = (l: LocalLayout, runId: string): string => join(runDir(l, runId), 'driver.lock');
export const taskDefinitionFile = (l: LocalLayout, runId: string, family: string): string =>
  join(runDir(l, runId), 'taskdefs', `${family}.json`);
export const taskLogFile = (l: LocalLayout, runId: string, job: string, index: number, attempt: number): string =>
  join(runDir(l, runId), 'logs', jobHash(job), `${index}-${attempt}.log`);
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
