/**
 * Where a local run's secret values come from: `--secrets <path>` alone when given (a folder
 * holding a file per secret, or a YAML file of `name: value`); otherwise the repository's
 * `.secrets/` folder, then `.secrets.yaml` on top (a name in both takes the YAML's value).
 * A source git tracks is refused: a value committed once stays in the history for good.
 * Nothing is followed out of the source: a link in `.secrets/` is refused, not read.
 */
import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { secretNameProblem } from '@hyperp/core/internal';
import { git, records } from '../repo/git.js';

/** Secrets Manager takes values of at most 64 KiB (SecretString, AWS Secrets Manager API Reference, 2026-12). */
export const SECRET_VALUE_MAX_BYTES = 65536;

export const SECRETS_FOLDER = '.secrets';
export const SECRETS_FILE = '.secrets.yaml';

export class SecretsSourceError extends Error {
  override readonly name = 'SecretsSourceError';
}

export interface LocalSecrets {
  /** Value by secret name. */
  readonly values: ReadonlyMap<string, string>;
  /** The files and folders read, for messages. */
  readonly sources: readonly string[];
}

const stat = (path: string): Stats | undefined => {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
};

const checkValue = (where: string, name: string, value: string): void => {
  const why = secretNameProblem(name);
  if (why) throw new SecretsSourceError(`${where}: ${JSON.stringify(name)} cannot name a secret: ${why}`);
  const bytes = Buffer.byteLength(value);
  if (bytes > SECRET_VALUE_MAX_BYTES) throw new SecretsSourceError(`${where}: secret "${name}" is ${bytes} bytes; a secret holds at most ${SECRET_VALUE_MAX_BYTES}`);
};

/** A folder of a file per secret, named after it; the file's bytes are the value, as written. */
const readFolder = (dir: string, into: Map<string, string>): void => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = stat(path);
    if (st === undefined) continue;
    if (!st.isFile()) throw new SecretsSourceError(`${path}: every entry of a secrets folder is a regular file named after its secret (not a link or folder)`);
    if (st.size > SECRET_VALUE_MAX_BYTES) throw new SecretsSourceError(`${path}: secret "${name}" is ${st.size} bytes; a secret holds at most ${SECRET_VALUE_MAX_BYTES}`);
    const value = readFileSync(path, 'utf8');
    checkValue(path, name, value);
    into.set(name, value);
  }
};

/** A YAML mapping of secret name to a string value. */
const readYaml = (file: string, into: Map<string, string>): void => {
  const st = stat(file);
  if (st === undefined || !st.isFile()) throw new SecretsSourceError(`${file}: a secrets file must be a regular file (not a link or folder)`);
  if (st.size > 16 * SECRET_VALUE_MAX_BYTES) throw new SecretsSourceError(`${file}: the file is ${st.size} bytes; a secrets file holds at most ${16 * SECRET_VALUE_MAX_BYTES}`);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    // The parser's message quotes the line it failed on, which may hold a value: only where.
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new SecretsSourceError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML`);
  }
  if (doc === null || doc === undefined) return;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new SecretsSourceError(`${file}: a secrets file is a mapping of secret name to value ("db_password: s3cret")`);
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'number') throw new SecretsSourceError(`${file}: secret "${name}" must be a string value`);
    checkValue(file, name, String(value));
    into.set(name, String(value));
  }
};

/** The sources the cascade reads for the repository at `repoDir`, in order, those that exist. */
export const secretSources = (repoDir: string, explicit?: string): string[] => {
  if (explicit !== undefined) {
    const path = resolve(explicit);
    if (stat(path) === undefined) throw new SecretsSourceError(`--secrets ${explicit}: no such file or folder`);
    return [path];
  }
  return [join(repoDir, SECRETS_FOLDER), join(repoDir, SECRETS_FILE)].filter((p) => stat(p) !== undefined);
};

export const loadLocalSecrets = (repoDir: string, explicit?: string): LocalSecrets => {
  const sources = secretSources(repoDir, explicit);
  const values = new Map<string, string>();
  for (const source of sources) {
    const st = stat(source)!;
    if (st.isDirectory()) readFolder(source, values);
    else readYaml(source, values);
  }
  return { values, sources };
};

/**
 * Refuses sources that git tracks in the repository at `repoDir` (a file in the folder is
 * enough), saying how to stop tracking them. A source outside the repository is not its to track.
 */
export const refuseTrackedSecrets = async (repoDir: string, sources: readonly string[]): Promise<void> => {
  const inside = sources.map((s) => relative(repoDir, s)).filter((r) => r !== '' && !r.startsWith('..') && !isAbsolute(r));
  if (inside.length === 0) return;
  let tracked: string[];
  try {
    tracked = records(await git(repoDir, ['ls-files', '-z', '--', ...inside.map((p) => `:(literal)${p}`)]));
  } catch {
    return; // not a git repository: nothing is tracked
  }
  if (tracked.length === 0) return;
  const shown = tracked.slice(0, 3).join(', ') + (tracked.length > 3 ? ` and ${tracked.length - 3} more` : '');
  const paths = inside.filter((p) => tracked.some((t) => t === p || t.startsWith(`${p}/`)));
  throw new SecretsSourceError(
    `git tracks secrets (${shown}): hyperp will not run with a secret that is in the repository. Untrack it with\n` +
    `  git rm -r --cached -- ${paths.join(' ')}\n  printf '%s\\n' ${paths.map((p) => `'/${p}'`).join(' ')} >> .gitignore\n` +
    'then commit, and change every secret that was ever committed (it stays in the history).',
  );
};
