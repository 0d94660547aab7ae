/**
 * `--repo DIR` of the local-runtime commands, resolved against where the user ran hyperp, and its
 * `.hyperp/`. Imports the runtime's layout alone (not the runtime), so `runs list` stays small.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkLayout, localLayout, type LocalLayout } from '@hyperp/adapters-local/summary';
import { CliError, userCwd, type CliContext } from '../context.js';

export const repoDirOf = (ctx: CliContext, repo: string | undefined): string => {
  const dir = resolve(userCwd(ctx), repo ?? '.');
  if (!existsSync(dir)) throw new CliError(`--repo ${repo ?? '.'}: ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new CliError(`--repo ${repo ?? '.'}: ${dir} is a file, not a folder`);
  return dir;
};

/** The repository's `.hyperp/`, refused (one line, exit 1) when git tracks it or any part of it is a link. */
export const layoutOf = (ctx: CliContext, repo: string | undefined): LocalLayout => {
  const layout = localLayout(repoDirOf(ctx, repo));
  checkLayout(layout);
  return layout;
};
