// The web view's API over a real local run (process engine): a log read in ranges that add up to
// the file, a job's zip, a rerun the server drives to its end, and the live stream of a run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiServer, type UiServer } from '../../src/ui/server.js';
import { makeRepo } from '../local/repo.js';
import { hyperp } from '../run-cli.js';
import { readEvents } from './sse.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = makeRepo([
  // About 480 KiB of output: more than one range.
  { name: 'big', script: 'import sys\nfor i in range(40000):\n    sys.stdout.write(f"line {i:06d}\\n")\n' },
  { name: 'after', dependsOn: ['big'], downloadable: true, script: 'open("/output/result.txt", "w").write("42\\n")\n' },
]);
const web = mkdtempSync(join(tmpdir(), 'hyperp-ui-web-'));
writeFileSync(join(web, 'index.html'), '<!doctype html><title>hyperp</title>');
const ctrl = new AbortController();
let server: UiServer;
let runId = '';
let token = '';

const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${path}`, { ...init, headers: { 'X-Hyperp-Token': token, ...init.headers } });
  return { status: res.status, body: (await res.json()) as T };
};

test.before(async () => {
  const run = await hyperp(['run', '--repo', repo, '--engine', 'process', '--json'], { cwd: repo });
  assert.is(run.code, 0, run.stderr);
  runId = (JSON.parse(run.stdout) as { runs: { runId: string }[] }).runs[0]!.runId;
  server = await startUiServer({ cwd: repo, env: { HYPERP_UI_DIR: web }, out: () => undefined, err: () => undefined, isTTY: false, signal: ctrl.signal }, { repo, port: 0, engine: 'process' });
  token = new URL(server.url).hash.replace('#token=', '');
});
test.after(async () => {
  await server.close();
  rmSync(web, { recursive: true, force: true });
});

interface LogAnswer { text: string; cursor: string; more: boolean; ended: boolean; attempt: number }

test('a log is read in ranges that end after a line and add up to the whole file', async () => {
  const view = JSON.parse((await hyperp(['runs', 'show', runId, '--repo', repo, '--json'])).stdout) as { jobs: { tasks: { logFile: string }[] }[] };
  const file = readFileSync(view.jobs[0]!.tasks[0]!.logFile, 'utf8');
  let cursor: string | null = null;
  let text = '';
  let pages = 0;
  for (;;) {
    const { status, body }: { status: number; body: LogAnswer } = await api<LogAnswer>(`log?id=${runId}&job=big&index=1${cursor === null ? '' : `&cursor=${cursor}`}`);
    assert.is(status, 200);
    assert.ok(body.text.endsWith('\n'), 'a range ends after a line');
    assert.is(body.ended, true);
    text += body.text;
    cursor = body.cursor;
    pages++;
    if (!body.more) break;
  }
  assert.is(pages, 2);
  assert.is(text, file);
  assert.is(text.split('\n').length, 40001);
  // Nothing past the end; a cursor that is no offset is refused.
  assert.equal((await api<{ text: string; more: boolean }>(`log?id=${runId}&job=big&cursor=${cursor}`)).body, { text: '', cursor, more: false, ended: true, attempt: 1, attempts: [{ attempt: 1, status: 'SUCCEEDED' }] });
  assert.equal(await api(`log?id=${runId}&job=big&cursor=-5`), { status: 400, body: { error: 'cursor must be a byte offset, not "-5"' } });
});

test('a job\'s artifacts download as its zip', async () => {
  const list = await api<{ jobs: { name: string; download: string }[] }>(`artifacts?id=${runId}`);
  assert.equal(list.body.jobs.map((j) => [j.name, j.download]), [['big', 'on-demand'], ['after', 'zip']]);
  const res = await fetch(`http://127.0.0.1:${server.port}/api/download?id=${runId}&job=after&token=${token}`);
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/zip');
  assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="after-[0-9a-f-]+\.zip"$/);
  const zip = Buffer.from(await res.arrayBuffer());
  assert.is(zip.subarray(0, 2).toString(), 'PK');
  assert.ok(zip.includes('result.txt'));
});

test('a rerun asked for by the page is a new run the server drives to its end; its stream says so', async () => {
  const { status, body } = await api<{ runId: string }>('rerun', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: runId, failed: false }) });
  assert.is(status, 200);
  assert.is.not(body.runId, runId);
  const statuses = (await readEvents<{ status: string }>(`http://127.0.0.1:${server.port}/api/stream/run?id=${body.runId}&token=${token}`,
    (seen) => seen.some((r) => r.status === 'SUCCEEDED' || r.status === 'FAILED'))).map((r) => r.status);
  assert.is(statuses.at(-1), 'SUCCEEDED');
  const runs = await api<{ runs: { runId: string }[] }>('runs');
  assert.equal(runs.body.runs.map((r) => r.runId), [runId, body.runId]);
});

test('the workflows view has validate\'s issues with their line\'s text, each loaded workflow\'s graph, and the plan', async () => {
  writeFileSync(join(repo, 'hyperp-workflows', 'broken.yaml'), 'workflowName: broken\njobs:\n  - jobName: a\n    taskDefinitionPath: job0/taskdef.json\n    dependsOn: [nope]\n');
  try {
    const { status, body } = await api<{
      ok: boolean; issues: { file: string; line: number; column: number; severity: string; message: string; text: string }[];
      graphs: { name: string; jobs: { name: string; dependsOn: string[] }[] }[]; plan: { workflows: { name: string; jobs: { name: string }[] }[] } | null;
    }>('workflows');
    assert.is(status, 200);
    assert.is(body.ok, false);
    assert.equal(body.issues.map((i) => [i.file, i.line, i.severity, i.text]), [['hyperp-workflows/broken.yaml', 5, 'error', '    dependsOn: [nope]']]);
    assert.match(body.issues[0]!.message, /depends on "nope", which is not a job of this workflow/);
    assert.equal(body.graphs.map((g) => [g.name, g.jobs.map((j) => [j.name, j.dependsOn])]), [['test', [['big', []], ['after', ['big']]]]]);
    assert.equal(body.plan?.workflows.map((w) => [w.name, w.jobs.map((j) => j.name)]), [['test', ['big', 'after']]]);
  } finally {
    rmSync(join(repo, 'hyperp-workflows', 'broken.yaml'));
  }
});

test.run();
