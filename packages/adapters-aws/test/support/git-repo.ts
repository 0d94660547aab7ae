/** A real git repository in a temp dir, made from a fixture folder: what GitHub would serve. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitRepo {
  readonly dir: string;
  readonly git: (...args: string[]) => string;
  readonly commit: (message: string) => string;
  readonly remove: () => void;
}

export const gitRepoFrom = (fixture: string): GitRepo => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-gh-'));
  cpSync(fixture, dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_AUTHOR_DATE: '2026-11-22T08:00:00Z', GIT_COMMITTER_DATE: '2026-11-22T08:00:00Z' },
    }).trim();
  git('init', '-q', '-b', 'main');
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  commit('initial');
  return { dir, git, commit, remove: () => rmSync(dir, { recursive: true, force: true }) };
};
