/**
 * Which GitHub repository a remote command means: `--repo owner/name`, or the GitHub `origin` of
 * the folder given with `--repo DIR` (default: where hyperp runs), so the same `--repo` works in
 * both modes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, userCwd, type CliContext } from '../context.js';

export const OWNER_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** `git@github.com:owner/name.git`, `https://github.com/owner/name(.git)`, `ssh://git@host/owner/name`. */
export const repoOfRemoteUrl = (url: string): string | undefined => {
  const m = /[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
};

/** `hint`: how the command takes owner/name instead, when the folder does not tell. */
export const remoteRepo = (ctx: CliContext, given: string | undefined, hint = 'pass --repo owner/name (the GitHub repository hyperp runs)'): string => {
  const dir = resolve(userCwd(ctx), given ?? '.');
  const isDir = existsSync(dir) && statSync(dir).isDirectory();
  if (given !== undefined && OWNER_NAME.test(given) && !isDir) return given;
  if (!isDir) throw new CliError(`--repo ${given}: not owner/name and not a folder; ${hint}`);
  let origin: string;
  try {
    origin = execFileSync('git', ['-C', dir, 'remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    throw new CliError(`${dir} has no git remote "origin" to tell the repository; ${hint}`);
  }
  const repo = repoOfRemoteUrl(origin);
  if (!repo) throw new CliError(`the origin of ${dir} (${origin.trim()}) does not name owner/name; ${hint}`);
  return repo;
};
