// Secrets and inputs on a local run: a job reads its secret as a read-only file (and as the
// variable it asked for), prints it, and finds it masked in every log hyperp keeps and prints;
// the value is nowhere under .hyperp/ but in the output file the job wrote. Sources git tracks
// are refused. The run's inputs reach the job as inputs.json and HYPERP_INPUT_*, and a rerun
// takes them again.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from './repo.js';

const SECRET = 'pa55-Wörd-7f3c9a';
const script = `import base64, os, sys, time
v = open('/run/secrets/token').read()
st = os.stat('/run/secrets/token')
print('plain', v)
print('b64', base64.b64encode(v.encode()).decode())
sys.stdout.write('split ' + v[:5]); sys.stdout.flush(); time.sleep(0.3)
sys.stdout.write(v[5:] + '\\n'); sys.stdout.flush()
print('env', os.environ.get('API_TOKEN'))
print('mode', oct(st.st_mode & 0o777), 'mine', st.st_uid == os.getuid())
print('inputs', open('/run/hyperp/inputs.json').read().strip(), os.environ.get('HYPERP_INPUT_LIMIT'))
try:
    open('/run/secrets/token', 'w'); print('secret writable')
except OSError:
    print('secret read-only')
open('/output/secret.txt', 'w').write(v)
`;
const workflow = `workflowName: test
inputs:
  - name: date
    required: true
  - name: limit
    type: number
    default: 10
jobs:
  - jobName: talk
    taskDefinitionPath: job0/taskdef.json
    secrets:
      - name: token
        env: API_TOKEN
`;

/** Every file below `dir` whose bytes hold `needle`. */
const holding = (dir: string, needle: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && readFileSync(f).includes(needle));

const t = suite('secrets on a local run');
const ctx = { repo: '' };

t.before(() => {
  ctx.repo = makeRepo([{ name: 'talk', script }], { files: { 'hyperp-workflows/test.yaml': workflow, '.gitignore': '/.secrets/\n/.secrets.yaml\n/.hyperp/\n' } });
});

t('a missing secret refuses the run and validate names it', async () => {
  const v = await hyperp(['validate', '--repo', ctx.repo]);
  assert.is(v.code, 0, v.stdout);
  assert.match(v.stdout, 'hyperp-workflows/test.yaml warning secret "token" (read by "talk") has no value here (no .secrets/ or .secrets.yaml)');
  const r = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--input', 'date=d']);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'workflow "test" (hyperp-workflows/test.yaml): secret "token" has no value here');
});

t('the job reads the file and its variable; every stored and printed log has *** instead', async () => {
  mkdirSync(join(ctx.repo, '.secrets'));
  writeFileSync(join(ctx.repo, '.secrets', 'token'), SECRET);
  const r = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--json', '--input', 'date=2026-01-01']);
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(r.stdout.includes(SECRET) || r.stderr.includes(SECRET));
  const run = (JSON.parse(r.stdout) as { runs: { runId: string; jobs: { tasks: { logFile: string }[] }[] }[] }).runs[0]!;
  const log = readFileSync(run.jobs[0]!.tasks[0]!.logFile, 'utf8');
  assert.equal(log.split('\n').filter((l) => l !== ''), [
    'plain ***', 'b64 ***', 'split ***', 'env ***', `mode 0o400 mine True`, 'inputs {"date":"2026-01-01","limit":10} 10', 'secret read-only',
  ]);
  const logs = await hyperp(['logs', run.runId, 'talk', '--repo', ctx.repo]);
  assert.match(logs.stdout, 'plain ***');
  assert.not.ok(logs.stdout.includes(SECRET));
  const shown = await hyperp(['runs', 'show', run.runId, '--repo', ctx.repo, '--json']);
  assert.not.ok(shown.stdout.includes(SECRET));
  // The results printed from the job's output files are masked too.
  const text = await hyperp(['runs', 'show', run.runId, '--repo', ctx.repo]);
  assert.match(text.stdout, 'result talk/secret.txt: ***');
  assert.not.ok(text.stdout.includes(SECRET));
  // Only the file the job itself wrote holds the value.
  assert.equal(holding(join(ctx.repo, '.hyperp'), SECRET).map((f) => f.slice(f.lastIndexOf('/') + 1)), ['secret.txt']);
  assert.equal(holding(join(ctx.repo, '.hyperp'), Buffer.from(SECRET).toString('base64')), []);
});

t('.secrets.yaml wins over .secrets/, and --secrets alone is read when given', async () => {
  writeFileSync(join(ctx.repo, '.secrets.yaml'), 'token: from-yaml-value\n');
  const other = join(ctx.repo, '..', `${ctx.repo.split('/').pop()}-given.yaml`);
  writeFileSync(other, 'token: from-given-value\n');
  const valueOf = async (args: string[]) => {
    const r = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--json', '--input', 'date=x', ...args]);
    assert.is(r.code, 0, r.stderr);
    const dir = (JSON.parse(r.stdout) as { runs: { jobs: { outputDir: string }[] }[] }).runs[0]!.jobs[0]!.outputDir;
    return readFileSync(join(dir, 'secret.txt'), 'utf8');
  };
  assert.is(await valueOf([]), 'from-yaml-value');
  assert.is(await valueOf(['--secrets', other]), 'from-given-value');
});

t('a secrets file that git tracks is refused, with how to untrack it', async () => {
  execFileSync('git', ['add', '-f', '.secrets.yaml'], { cwd: ctx.repo });
  const r = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--input', 'date=x']);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'git tracks secrets (.secrets.yaml): hyperp will not run with a secret that is in the repository. Untrack it with\n  git rm -r --cached -- .secrets.yaml');
  assert.not.ok(r.stderr.includes('from-yaml-value'));
});

t('inputs are checked against the declaration; runs show lists them and a rerun takes them again', async () => {
  execFileSync('git', ['rm', '-q', '--cached', '.secrets.yaml'], { cwd: ctx.repo });
  const bad = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--input', 'limit=many']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, 'workflow "test" (hyperp-workflows/test.yaml): input "date" is required (a string); input "limit" must be a number, not "many"');
  const r = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--json', '--input', 'date=d1', '--input', 'limit=2.5']);
  assert.is(r.code, 0, r.stderr);
  const runId = (JSON.parse(r.stdout) as { runs: { runId: string; inputs: unknown }[] }).runs[0]!.runId;
  assert.equal((JSON.parse(r.stdout) as { runs: { inputs: unknown }[] }).runs[0]!.inputs, { date: 'd1', limit: 2.5 });
  const shown = await hyperp(['runs', 'show', runId, '--repo', ctx.repo]);
  assert.match(shown.stdout, 'inputs date="d1" limit=2.5');
  const again = await hyperp(['rerun', runId, '--repo', ctx.repo, '--engine', 'process', '--json']);
  assert.is(again.code, 0, again.stderr);
  const log = readFileSync((JSON.parse(again.stdout) as { runs: { jobs: { tasks: { logFile: string }[] }[] }[] }).runs[0]!.jobs[0]!.tasks[0]!.logFile, 'utf8');
  assert.match(log, 'inputs {"date":"d1","limit":2.5} 2.5');
});

t.run();
