// A hostile job's /output, end to end through the CLI with the process engine (bubblewrap):
// links to host files and to hyperp's own environment, loops, FIFOs, a 3 GiB file, escape
// sequences, a tree whose host path is too long to zip. None may put host bytes on the
// terminal or in a zip, crash `run` or `runs show`, or pass unseen.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

const SECRET = 'host-secret-7d2e51';
const CANARY = 'hyperp-env-canary-93be0f';
// What /proc/self/environ of the hyperp process holds (hyperp runs in this process).
process.env.HYPERP_TEST_CANARY = CANARY;
const hostFile = join(mkdtempSync(join(tmpdir(), 'hyperp-host-')), 'secret.txt');
writeFileSync(hostFile, SECRET);

const hostile = `
import os
os.symlink('/proc/self/environ', '/output/env.txt')
os.symlink(${JSON.stringify(hostFile)}, '/output/secret.txt')
os.symlink('loop-b.txt', '/output/loop-a.txt')
os.symlink('loop-a.txt', '/output/loop-b.txt')
os.mkfifo('/output/fifo.txt')
with open('/output/result.txt', 'w') as f:
    f.write('ok \\x1b]0;owned\\x07 \\u202edone')
`;

// Sparse: 3 GiB for whoever reads it whole, nothing on disk.
const huge = `
with open('/output/big.txt', 'wb') as f:
    f.truncate(3 << 30)
with open('/output/result.txt', 'w') as f:
    f.write('small')
`;

interface JobJ { name: string; status: string; outputDir: string; downloadable: { status: string; location: string | null; bytes: number | null; reason: string | null } | null }
interface RunJ { runId: string; status: string; jobs: JobJ[] }

const runJson = async (repo: string): Promise<{ code: number; run: RunJ; stderr: string; stdout: string }> => {
  const r = await hyperp(['run', '--repo', repo, '--engine', 'process', '--parallel', '2', '--json']);
  try {
    return { code: r.code, run: (JSON.parse(r.stdout) as { runs: RunJ[] }).runs[0]!, stderr: r.stderr, stdout: r.stdout };
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
};

const noHostBytes = (what: string, text: string | Buffer): void => {
  assert.not.ok(text.includes(SECRET), `${what} holds the host file's content`);
  assert.not.ok(text.includes(CANARY), `${what} holds hyperp's environment`);
};

const links = suite('a job\'s links, FIFOs and huge files');
const ctx: { repo: string; run?: RunJ } = { repo: '' };

links.before(async () => {
  ctx.repo = makeRepo([
    { name: 'made', script: hostile, downloadable: true },
    { name: 'plain', script: hostile },
    { name: 'huge', script: huge },
  ]);
});

links('run prints the results of regular files only, escaped; no host bytes; no crash on a 3 GiB file; the zip is made without them', async () => {
  const { code, run, stderr, stdout } = await runJson(ctx.repo);
  assert.is(code, 0, stderr);
  ctx.run = run;
  noHostBytes('run --json', stdout);
  noHostBytes('run\'s stderr', stderr);
  const made = run.jobs.find((j) => j.name === 'made')!;
  assert.is(made.downloadable?.status, 'READY');
  const zip = readFileSync(made.downloadable!.location!);
  noHostBytes('the downloadable zip', zip);
  // what was skipped is said in the zip's comment (and on stderr in text mode)
  const comment = execFileSync('unzip', ['-z', made.downloadable!.location!], { encoding: 'utf8' });
  assert.match(comment, /skipped "env.txt": a symbolic link \(to "\/proc\/self\/environ"\)/);
  assert.match(comment, /skipped "fifo.txt": a FIFO/);
  const text = await hyperp(['runs', 'show', run.runId, '--repo', ctx.repo]);
  assert.is(text.code, 0, text.stderr);
  noHostBytes('runs show', text.stdout);
  assert.ok(text.stdout.includes('result made/result.txt: ok \\x1b]0;owned\\x07 \\u202edone'), text.stdout);
  assert.not.match(text.stdout, /[\u001b\u0007\u202e]/);
  assert.ok(text.stdout.includes('result huge/result.txt: small'), text.stdout);
  assert.not.match(text.stdout, /big\.txt|env\.txt|secret\.txt|loop-a|fifo/);
});

links('artifacts download zips on demand without following anything, and says what it skipped', async () => {
  const out = join(ctx.repo, 'plain.zip');
  const r = await hyperp(['artifacts', 'download', ctx.run!.runId, 'plain', '--repo', ctx.repo, '-o', out]);
  assert.is(r.code, 0, r.stderr);
  noHostBytes('the downloaded zip', readFileSync(out));
  noHostBytes('artifacts download', r.stdout + r.stderr);
  assert.match(r.stderr, /note: skipped "secret.txt": a symbolic link/);
  assert.match(r.stderr, /note: skipped "loop-a.txt": a symbolic link/);
  const listed = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' }).trim().split('\n').sort();
  assert.equal(listed, ['result.txt']);
});

links.run();

const failing = suite('a zip that fails after the job SUCCEEDED');
const deep: { repo: string; runId: string; outputDir: string } = { repo: '', runId: '', outputDir: '' };

// A tree whose path fits in the sandbox (/output/…, 4,089 characters) but not on the host,
// where the job's folder sits deeper: reading it there fails with ENAMETOOLONG.
const deepTree = `
import os
d = '/output' + ('/' + 'd' * 254) * 16
os.makedirs(d)
with open(d + '/f', 'w') as f:
    f.write('deep')
with open('/output/result.txt', 'w') as f:
    f.write('42')
`;

failing.before(() => {
  deep.repo = makeRepo([{ name: 'deep', script: deepTree, downloadable: true }]);
});

failing.after(() => {
  // Node's rm walks by full paths, which are too long here; rm(1) walks by descriptors.
  if (deep.outputDir && existsSync(deep.outputDir)) execFileSync('rm', ['-rf', deep.outputDir]);
});

failing('run --json says the zip FAILED and why, stderr says it, and the exit code is 1', async () => {
  const { code, run, stderr } = await runJson(deep.repo);
  deep.runId = run.runId;
  const job = run.jobs.find((j) => j.name === 'deep')!;
  deep.outputDir = job.outputDir;
  assert.is(run.status, 'SUCCEEDED');
  assert.is(job.status, 'SUCCEEDED');
  assert.is(job.downloadable?.status, 'FAILED');
  assert.match(job.downloadable!.reason!, /ENAMETOOLONG/);
  assert.match(stderr, new RegExp(`run ${run.runId} SUCCEEDED, but the zip of job "deep" failed: .*ENAMETOOLONG`));
  assert.is(code, 1);
});

failing('runs show and runs show --json show the failed zip with its reason', async () => {
  const text = await hyperp(['runs', 'show', deep.runId, '--repo', deep.repo]);
  assert.match(text.stdout, /\n {6}zip FAILED: .*ENAMETOOLONG/);
  assert.match(text.stdout, /result deep\/result.txt: 42/);
  const json = JSON.parse((await hyperp(['runs', 'show', deep.runId, '--repo', deep.repo, '--json'])).stdout) as RunJ;
  assert.is(json.jobs[0]!.downloadable?.status, 'FAILED');
  assert.match(json.jobs[0]!.downloadable!.reason!, /ENAMETOOLONG/);
});

failing('artifacts download of that output fails with one line and leaves the file at -o as it was', async () => {
  const out = join(deep.repo, 'keep.zip');
  writeFileSync(out, 'precious');
  const r = await hyperp(['artifacts', 'download', deep.runId, 'deep', '--repo', deep.repo, '-o', out]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^error: cannot zip the output of job "deep": .*ENAMETOOLONG.*\n$/);
  assert.is(readFileSync(out, 'utf8'), 'precious');
  assert.equal(execFileSync('ls', ['-A', deep.repo], { encoding: 'utf8' }).split('\n').filter((f) => f.includes('.tmp-')), []);
});

failing.run();
