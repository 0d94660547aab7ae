// A real git repository in a temp folder, and RepoSnapshots of its commits read with
// `git ls-tree -r` and `git cat-file` (core cannot depend on adapters-local).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoFileOf, type RepoSnapshot } from '../../src/repo/snapshot.js';

export interface TestRepo {
  readonly dir: string;
  git(...args: string[]): string;
  /** Writes (or with `null`, deletes) files, then commits them all; returns the commit id. */
  commit(files: Record<string, string | null>, message?: string): string;
  snapshot(rev?: string): RepoSnapshot;
  remove(): void;
}

export const makeRepo = (): TestRepo => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-core-repo-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
    GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).replace(/\n$/, '');
  git('init', '-q', '-b', 'main');
  let n = 0;
  return {
    dir,
    git,
    commit(files, message) {
      for (const [path, content] of Object.entries(files)) {
        const full = join(dir, path);
        if (content === null) rmSync(full);
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message ?? `commit ${++n}`);
      return git('rev-parse', 'HEAD');
    },
    snapshot(rev = 'HEAD') {
      const commit = git('rev-parse', `${rev}^{commit}`);
      const files = git('ls-tree', '-r', '-z', commit)
        .split('\0')
        .filter((r) => r !== '')
        .map((r) => {
          const tab = r.indexOf('\t');
          const [mode, , blob] = r.slice(0, tab).split(' ');
          return repoFileOf(r.slice(tab + 1), blob!, mode); // as the local adapter lists them
        })
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const blobs = new Map(files.map((f) => [f.path, f.blob]));
      return {
        commit,
        dirty: false,
        files,
        read: (path) =>
          blobs.has(path) ? execFileSync('git', ['cat-file', 'blob', blobs.get(path)!], { cwd: dir, env, encoding: 'utf8' }) : undefined,
      };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};
