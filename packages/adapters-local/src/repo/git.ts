/**
 * Running git: one place that spawns it, with output as bytes (paths come NUL-separated and
 * may hold any character) and failures turned into `GitError` carrying git's own message.
 */
import { execFile, execFileSync } from 'node:child_process';

export class GitError extends Error {
  override readonly name: string = 'GitError';
}

/** The folder is in no git repository (plain folders get `snapshotFolder`). */
export class NotAGitRepository extends GitError {
  override readonly name = 'NotAGitRepository';
}

// Listings of large repositories exceed Node's 1 MiB default.
const maxBuffer = 512 * 1024 * 1024;
// A user's config must not change what we read (e.g. core.quotePath only affects non -z output,
// but pagers and colour would). GIT_OPTIONAL_LOCKS=0 keeps status-like reads from writing the index.
const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };

const describe = (args: readonly string[], stderr: string | Buffer): string =>
  `git ${args.join(' ')} failed: ${String(stderr).trim() || 'no message'}`;

export const git = (cwd: string, args: readonly string[], input?: string): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const child = execFile('git', [...args], { cwd, env, encoding: 'buffer', maxBuffer }, (err, stdout, stderr) => {
      if (err) reject(new GitError(describe(args, stderr || err.message)));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });

export const gitText = async (cwd: string, args: readonly string[], input?: string): Promise<string> =>
  (await git(cwd, args, input)).toString('utf8').replace(/\n$/, '');

/** Synchronous, for `RepoSnapshot.read`, whose contract is synchronous. */
export const gitSync = (cwd: string, args: readonly string[]): Buffer => {
  try {
    return execFileSync('git', [...args], { cwd, env, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new GitError(describe(args, err.stderr ?? err.message));
  }
};

/** Splits NUL-terminated records (`-z` output). */
export const records = (out: Buffer): string[] => {
  const text = out.toString('utf8');
  return text === '' ? [] : text.replace(/\0$/, '').split('\0');
};
