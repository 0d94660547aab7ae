/**
 * `hyperp init [DIR]`: writes a workflow that runs at once (see init/scaffold.ts) into DIR
 * (default: here), made when missing. Nothing existing is ever overwritten: when any file it
 * would write is there already, it writes none and names them. It never commits.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Register } from '../program.js';
import { CliError, ExitCode, userCwd, type CliContext } from '../context.js';
import { SCAFFOLD } from '../init/scaffold.js';
import { shellArg } from '../views/shell-arg.js';
import { terminalSafeLines } from '../views/terminal-text.js';

const kindOf = (path: string): 'none' | 'folder' | 'other' => {
  try {
    return lstatSync(path).isDirectory() ? 'folder' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw e;
  }
};

/** What stops the scaffold: a file it would write that exists, or a folder it writes into that is not a real folder (a link). */
const conflicts = (dir: string): string[] => {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const f of SCAFFOLD) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (seen.has(folder)) continue;
      seen.add(folder);
      if (kindOf(join(dir, folder)) === 'other') found.push(`${folder} (a file or link, not a folder)`);
    }
    if (kindOf(join(dir, f.path)) !== 'none') found.push(f.path);
  }
  return found;
};

const git = (dir: string, args: readonly string[]): string | undefined => {
  try {
    return execFileSync('git', [...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
};

/** The top folder of the git work tree holding `dir`, if it is in one (git missing counts as none). */
const gitTopLevel = (dir: string): string | undefined => git(dir, ['rev-parse', '--show-toplevel']) || undefined;

const init = (ctx: CliContext, given: string | undefined): number => {
  const cwd = userCwd(ctx);
  const dir = resolve(cwd, given ?? '.');
  const kind = kindOf(dir);
  if (kind === 'other') throw new CliError(`${given ?? '.'}: ${dir} is a file, not a folder`);
  if (kind === 'none') mkdirSync(dir, { recursive: true });
  const taken = conflicts(dir);
  if (taken.length > 0) {
    throw new CliError(`init wrote nothing: ${dir} already has ${taken.join(', ')} (move ${taken.length === 1 ? 'it' : 'them'} away, or init another folder)`);
  }
  for (const f of SCAFFOLD) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    // `wx`: created here or not at all, so a file made meanwhile (or a link) is never written through.
    writeFileSync(path, f.text, { flag: 'wx', mode: f.path.endsWith('.sh') ? 0o755 : 0o644 });
  }
  const width = Math.max(...SCAFFOLD.map((f) => f.path.length));
  const lines = [`created in ${dir}:`, ...SCAFFOLD.map((f) => `  ${f.path.padEnd(width)}  ${f.what}`)];
  // How to name the folder from where the user is: relative below it, else absolute.
  const below = relative(cwd, dir);
  const rel = below.startsWith('..') ? dir : below;
  const top = gitTopLevel(dir);
  const tops = [...new Set(SCAFFOLD.map((f) => f.path.split('/')[0]!))];
  const gitC = rel === '' ? 'git' : `git -C ${shellArg(rel)}`;
  if (top === undefined) {
    // hyperp runs a repository's working tree and records its commit: a plain folder becomes one, as `cargo new` does.
    if (git(dir, ['init', '-q']) === undefined) {
      throw new CliError(`wrote the files, but git init failed in ${dir}: hyperp run needs a git repository (install git, then run git init there)`);
    }
    lines.push(`made it a git repository (git init); nothing is committed yet (${gitC} add ${tops.join(' ')} && ${gitC} commit, before you push)`);
  } else {
    lines.push(`nothing is committed: hyperp run runs the working tree as it is; commit the files before you push (${gitC} add ${tops.join(' ')})`);
    if (top !== realpathSync(dir)) lines.push(`note: a push runs the workflows of ${join(top, 'hyperp-workflows')}, in the repository's top folder; these run here with --repo`);
  }
  lines.push(`next: hyperp run${rel === '' ? '' : ` --repo ${shellArg(rel)}`}`);
  // The folder's name is the user's, but may hold anything a terminal would act on.
  ctx.out(`${terminalSafeLines(lines.join('\n'))}\n`);
  return ExitCode.ok;
};

export const registerInit: Register = (program, run) => {
  program
    .command('init')
    .description('write a workflow that runs at once (a workflow file, a task definition, a Dockerfile and a program) into DIR')
    .argument('[dir]', 'the folder (default: the current directory; made when missing)')
    .action((dir: string | undefined) => run(async (ctx) => init(ctx, dir)));
};
