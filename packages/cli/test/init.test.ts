// `hyperp init`: the scaffold validates and runs at once, in an empty folder and in a git
// repository, and never overwrites a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hyperp } from './run-cli.js';

const base = mkdtempSync(join(tmpdir(), 'hyperp-init-'));
process.once('exit', () => rmSync(base, { recursive: true, force: true }));
let n = 0;
const folder = (): string => join(base, `f${++n}`);

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const FILES = ['hyperp-workflows/hello.yaml', 'hello/taskdef.json', 'hello/Dockerfile', 'hello/main.sh'];

test('init in a folder that does not exist yet: it validates, runs at once on the process engine, and a second init refuses, naming the files', async () => {
  const made = await hyperp(['init', 'proj'], { cwd: base });
  const proj = join(base, 'proj');
  assert.equal([made.code, made.stderr], [0, ''], made.stderr);
  assert.equal(made.stdout.split('\n'), [
    `created in ${proj}:`,
    '  hyperp-workflows/hello.yaml  the workflow: one job, "hello"',
    "  hello/taskdef.json           the job's ECS task definition: size, environment",
    "  hello/Dockerfile             the job's image",
    '  hello/main.sh                the program the job runs',
    'made it a git repository (git init); nothing is committed yet (git -C proj add hyperp-workflows hello && git -C proj commit, before you push)',
    'next: hyperp run --repo proj',
    '',
  ]);
  for (const f of FILES) assert.ok(existsSync(join(proj, f)), f);
  assert.is(statSync(join(proj, 'hello/main.sh')).mode & 0o111, 0o111, 'the program is executable');
  assert.is(git(proj, 'status', '--porcelain'), '?? hello/\n?? hyperp-workflows/', 'nothing is committed');

  assert.equal(await hyperp(['validate'], { cwd: proj }), { code: 0, stdout: '0 errors, 0 warnings; valid: hello (1 job)\n', stderr: '' });
  const ran = await hyperp(['run', '--engine', 'process'], { cwd: proj });
  assert.is(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^run \S+  hello  SUCCEEDED\nthe working tree \(no commit yet\)   cost on Fargate \$/m);
  assert.match(ran.stderr, /^run \S+: hello on the working tree \(no commit yet\), engine process /m);
  assert.match(ran.stdout, /^result hello\/greeting\.txt: hello from hyperp$/m);
  const log = (await hyperp(['logs', 'last', 'hello'], { cwd: proj })).stdout;
  assert.is(log, 'hello from hyperp (task 1 of 1)\n');

  writeFileSync(join(proj, 'hello/main.sh'), 'echo mine\n');
  const again = await hyperp(['init', proj], { cwd: base });
  assert.equal(again, {
    code: 1, stdout: '',
    stderr: `error: init wrote nothing: ${proj} already has ${FILES.join(', ')} (move them away, or init another folder)\n`,
  });
  assert.is(readFileSync(join(proj, 'hello/main.sh'), 'utf8'), 'echo mine\n', 'the file is left as it was');
});

test('init in a git repository with commits: commits nothing, says the next command; one existing file stops it before anything is written', async () => {
  const repo = folder();
  mkdirSync(repo);
  writeFileSync(join(repo, 'README.md'), 'mine\n');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'first');
  const head = git(repo, 'rev-parse', 'HEAD');

  mkdirSync(join(repo, 'hello'));
  writeFileSync(join(repo, 'hello/Dockerfile'), 'FROM mine\n');
  assert.equal(await hyperp(['init'], { cwd: repo }), {
    code: 1, stdout: '', stderr: `error: init wrote nothing: ${repo} already has hello/Dockerfile (move it away, or init another folder)\n`,
  });
  assert.is(existsSync(join(repo, 'hyperp-workflows')), false);
  rmSync(join(repo, 'hello'), { recursive: true });

  const made = await hyperp(['init'], { cwd: repo });
  assert.is(made.code, 0, made.stderr);
  assert.equal(made.stdout.split('\n').slice(-3), [
    'nothing is committed: hyperp run runs the working tree as it is; commit the files before you push (git add hyperp-workflows hello)',
    'next: hyperp run',
    '',
  ]);
  assert.equal([git(repo, 'rev-parse', 'HEAD'), git(repo, 'status', '--porcelain')], [head, '?? hello/\n?? hyperp-workflows/']);
  const ran = await hyperp(['run', '--engine', 'process'], { cwd: repo });
  assert.is(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^result hello\/greeting\.txt: hello from hyperp$/m);
});

test('init writes through no link: a link where a folder of the scaffold goes is named, and a file given as DIR is refused', async () => {
  const dir = folder();
  mkdirSync(dir);
  const elsewhere = folder();
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, join(dir, 'hello'));
  assert.equal(await hyperp(['init', dir]), {
    code: 1, stdout: '', stderr: `error: init wrote nothing: ${dir} already has hello (a file or link, not a folder) (move it away, or init another folder)\n`,
  });
  assert.equal([existsSync(join(elsewhere, 'Dockerfile')), existsSync(join(dir, 'hyperp-workflows'))], [false, false]);
  writeFileSync(join(dir, 'file'), '');
  assert.equal(await hyperp(['init', join(dir, 'file')]), { code: 1, stdout: '', stderr: `error: ${join(dir, 'file')}: ${join(dir, 'file')} is a file, not a folder\n` });
});

test.run();
