// A git repository in a temp folder with the given files committed on `main` (removed when the
// test file's process ends).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './temp.js';

export const committedRepo = (prefix: string, files: Readonly<Record<string, string>>): string => {
  const dir = tempDir(prefix);
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  if (Object.keys(files).length > 0) {
    git('add', '-A');
    git('commit', '-q', '-m', 'x');
  }
  return dir;
};
