// `hyperp ui` in a real browser: Debian's chromium driven by playwright-core (nothing is
// downloaded). The calculator's run with its four jobs, a run that changes while the page is
// open (no reload), a log that streams, cancel, and requests from elsewhere refused. With
// HYPERP_UPDATE_SCREENSHOTS=1 it also writes docs/ui.md's screenshots.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../src/program.js';
import { startUiServer, type UiServer } from '../../src/ui/server.js';
import { foldRun, localLayout } from '@hyperp/adapters-local';
import { runDetailView } from '../../../adapters-aws/src/api/run-view.js';
import { calculatorRepo } from '../local/repo.js';
import { startFunctionUrl } from '../remote/function-url.js';
import { hyperp } from '../run-cli.js';

const CHROMIUM = process.env['HYPERP_CHROMIUM'] ?? '/usr/bin/chromium';
const root = new URL('../../../../', import.meta.url).pathname;
const shots = process.env['HYPERP_UPDATE_SCREENSHOTS'] === '1' ? join(root, 'docs', 'images') : undefined;
const required = process.env['CI'] === 'true' || process.env['HYPERP_TEST_BROWSER'] === '1';

// A workflow whose one job waits until the test puts `go` into its output folder, so the test
// (not the clock) decides when it ends.
const LIVE_YAML = `workflowName: live
jobs:
  - jobName: wait
    taskDefinitionPath: wait/taskdef.json
    timeoutSeconds: 120
`;
const LIVE_PY = `import os, time
print("started: waiting for the go file", flush=True)
while not os.path.exists("/output/go"):
    time.sleep(0.05)
print("finished", flush=True)
`;

// A workflow that fails: its first job fails twice (one retry), so the second is skipped.
const FLAKY_YAML = `workflowName: flaky
jobs:
  - jobName: fails
    taskDefinitionPath: fails/taskdef.json
    retries: 1
  - jobName: never
    taskDefinitionPath: fails/taskdef.json
    dependsOn: [fails]
`;

// A job that prints 40,000 lines (about 600 KiB): read in ranges, and only the lines in view are in the page.
const BIG_YAML = `workflowName: verbose
jobs:
  - jobName: chatty
    taskDefinitionPath: chatty/taskdef.json
`;

const repo = calculatorRepo();
const web = mkdtempSync(join(tmpdir(), 'hyperp-ui-web-'));
const ctrl = new AbortController();
let server: UiServer;
let other: Server;
let browser: Browser;
let page: Page;
let calcRun = '';
let flakyRun = '';
let bigRun = '';
const background: Promise<unknown>[] = [];

const cli = (args: string[]) => hyperp([...args, '--repo', repo], { cwd: repo });

/** Starts `hyperp run --workflow live` in this process and waits until its run exists; returns its id. */
const startLive = async (): Promise<string> => {
  const before = new Set(((JSON.parse((await cli(['runs', 'list', '--json'])).stdout) as { runs: { runId: string }[] }).runs).map((r) => r.runId));
  background.push(runCli(['run', '--workflow', 'live', '--engine', 'process', '--repo', repo], {
    cwd: repo, env: {}, out: () => undefined, err: () => undefined, isTTY: false, signal: ctrl.signal,
  }));
  for (;;) {
    const runs = (JSON.parse((await cli(['runs', 'list', '--json'])).stdout) as { runs: { runId: string }[] }).runs;
    const added = runs.find((r) => !before.has(r.runId));
    if (added) return added.runId;
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The live job's output folder (the job waits for `go` there). */
const release = async (runId: string): Promise<void> => {
  for (;;) {
    const view = JSON.parse((await cli(['runs', 'show', runId, '--json'])).stdout) as { jobs: { outputDir: string; status: string }[] };
    if (view.jobs[0]!.status === 'RUNNING' && existsSync(view.jobs[0]!.outputDir)) {
      writeFileSync(join(view.jobs[0]!.outputDir, 'go'), '');
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
};

const shot = async (name: string): Promise<void> => {
  if (shots === undefined) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
};

/** Set once per page load: a reload would lose it. */
const loadMark = () => page.evaluate(() => (globalThis as unknown as { __mark?: number }).__mark);
const setLoadMark = (n: number) => page.evaluate((v) => void ((globalThis as unknown as { __mark: number }).__mark = v), n);

const available = existsSync(CHROMIUM);
if (!available && !required) console.log(`skipped: the browser tests (no chromium at ${CHROMIUM}; apt-get install chromium)`);

test.before(async () => {
  if (!available) return;
  mkdirSync(join(repo, 'hyperp-workflows'), { recursive: true });
  mkdirSync(join(repo, 'wait'), { recursive: true });
  writeFileSync(join(repo, 'hyperp-workflows', 'live.yaml'), LIVE_YAML);
  writeFileSync(join(repo, 'wait', 'main.py'), LIVE_PY);
  writeFileSync(join(repo, 'wait', 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nCMD ["python3", "-u", "main.py"]\n');
  mkdirSync(join(repo, 'fails'), { recursive: true });
  writeFileSync(join(repo, 'hyperp-workflows', 'flaky.yaml'), FLAKY_YAML);
  writeFileSync(join(repo, 'fails', 'main.py'), 'import sys\nprint("cannot reach the database", flush=True)\nsys.exit(3)\n');
  writeFileSync(join(repo, 'fails', 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nCMD ["python3", "-u", "main.py"]\n');
  writeFileSync(join(repo, 'fails', 'taskdef.json'), JSON.stringify({ family: 'flaky', cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'fails/Dockerfile', essential: true }] }));
  mkdirSync(join(repo, 'chatty'), { recursive: true });
  writeFileSync(join(repo, 'hyperp-workflows', 'verbose.yaml'), BIG_YAML);
  writeFileSync(join(repo, 'chatty', 'main.py'), 'import sys\nfor i in range(1, 40001):\n    sys.stdout.write(f"line {i:06d} of the chatty job\\n")\n');
  writeFileSync(join(repo, 'chatty', 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nCMD ["python3", "-u", "main.py"]\n');
  writeFileSync(join(repo, 'chatty', 'taskdef.json'), JSON.stringify({ family: 'chatty', cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'chatty/Dockerfile', essential: true }] }));
  writeFileSync(join(repo, 'wait', 'taskdef.json'), JSON.stringify({ family: 'live-wait', cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'wait/Dockerfile', essential: true, stopTimeout: 2 }] }));
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A'], { cwd: repo });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'live'], { cwd: repo });
  // The page as `pnpm build` makes it, built from the sources of this checkout.
  const ui = join(root, 'packages', 'ui');
  execFileSync(process.execPath, [join(ui, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', web, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ui, stdio: 'pipe' });
  const [calc, flaky, big] = await Promise.all([
    cli(['run', '--workflow', 'calculator', '--engine', 'process']),
    cli(['run', '--workflow', 'flaky', '--engine', 'process']),
    cli(['run', '--workflow', 'verbose', '--engine', 'process']),
  ]);
  assert.is(big.code, 0, big.stderr);
  bigRun = /^run (\S+):/m.exec(big.stdout + big.stderr)![1]!;
  assert.is(calc.code, 0, calc.stderr);
  assert.is(flaky.code, 1, flaky.stderr);
  calcRun = /^run (\S+):/m.exec(calc.stdout + calc.stderr)![1]!;
  flakyRun = /^run (\S+):/m.exec(flaky.stdout + flaky.stderr)![1]!;
  server = await startUiServer({ cwd: repo, env: { HYPERP_UI_DIR: web }, out: () => undefined, err: () => undefined, isTTY: false, signal: ctrl.signal }, { repo, port: 0 });
  other = createServer((_, res) => res.end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--host-resolver-rules=MAP rebound.example 127.0.0.1'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 760 }, colorScheme: 'light' });
  page.setDefaultTimeout(20_000);
});

test.after(async () => {
  ctrl.abort();
  await Promise.allSettled(background);
  await browser?.close();
  await server?.close();
  await new Promise((r) => (other ? other.close(r) : r(undefined)));
  rmSync(web, { recursive: true, force: true });
});

test('the calculator run is listed, and shows its 4 jobs laid out with their statuses, costs and a timeline', async () => {
  if (!available) return assert.unreachable(`no chromium at ${CHROMIUM}`);
  await page.goto(server.url);
  await setLoadMark(1);
  // The token left the address bar once the page kept it.
  assert.not.match(page.url(), /token=/);
  const row = page.locator(`tr[data-run="${calcRun}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /SUCCEEDED[\s\S]*calculator[\s\S]*main[\s\S]*\$0\.00/);
  await row.getByRole('link').click();
  const nodes = page.locator('svg.dag .dag-node');
  await page.locator('svg.dag .dag-node[data-job="(x * y) + (x / z)"]').waitFor();
  const jobs = await nodes.evaluateAll((els) => els.map((e) => [e.getAttribute('data-job'), e.getAttribute('data-status'), e.textContent ?? '']));
  assert.equal(jobs.map(([name, status]) => [name, status]), [
    ['Generate x', 'SUCCEEDED'], ['x * y', 'SUCCEEDED'], ['x / z', 'SUCCEEDED'], ['(x * y) + (x / z)', 'SUCCEEDED'],
  ]);
  // Colour is not the only signal: each node says its status; fan-outs say their counts.
  for (const [, , text] of jobs) assert.match(text!, /✓ SUCCEEDED/);
  assert.match(jobs[1]![2]!, /×2: 2 done · 0 running · 0 failed/);
  // Laid out left to right: each level to the right of the one it depends on.
  const xs = await nodes.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x));
  assert.ok(xs[0]! < xs[1]! && xs[1] === xs[2] && xs[2]! < xs[3]!, String(xs));
  // By keyboard: Tab to a job, Enter opens its panel.
  await page.locator('svg.dag .dag-node[data-job="x * y"]').focus();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('complementary', { name: 'job x * y' });
  await panel.waitFor();
  assert.match(await panel.innerText(), /2 tasks: 2 done[\s\S]*log/);
  await shot('ui-run');
  await page.getByRole('tab', { name: 'Timeline' }).click();
  const bars = page.locator('.timeline .bar');
  await bars.first().waitFor();
  assert.is(await bars.count(), 4 /* builds */ + 6 /* tasks */);
  assert.ok((await page.locator('.timeline .bar.critical').count()) >= 2, 'the critical path is marked');
  await shot('ui-timeline');
  assert.is(await loadMark(), 1);
});

test('a deployment\'s run is drawn from its API\'s detail: the same edges, critical path and timeline as the local run', async () => {
  if (!available) return assert.unreachable(`no chromium at ${CHROMIUM}`);
  // A deployment's API (signatures checked) whose detail route answers what the API's own code makes of the calculator run's state.
  const ada = { accessKeyId: 'AKIAADA0000000000001', secretAccessKey: 'ada-secret-key', userArn: 'arn:aws:iam::123456789012:user/ada' };
  const meta = { runId: calcRun, repo: 'acme/calculator', installationId: 1, branch: 'main', commit: '', workflow: 'calculator', trigger: 'push' };
  const fn = await startFunctionUrl(async (e) => {
    const json = (body: unknown, statusCode = 200) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (e.rawPath === `/runs/${calcRun}/detail`) return json(runDetailView(meta, foldRun(localLayout(repo), calcRun).state));
    if (e.rawPath === '/runs') return json({ runs: [] });
    return json({ error: `no route ${e.requestContext.http.method} ${e.rawPath}` }, 404);
  }, [ada], 'us-east-1');
  const env = { HYPERP_UI_DIR: web, HYPERP_API_URL: fn.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ada.accessKeyId, AWS_SECRET_ACCESS_KEY: ada.secretAccessKey };
  const remote = await startUiServer({ cwd: web, env, out: () => undefined, err: () => undefined, isTTY: false, signal: ctrl.signal }, { repo: 'acme/calculator', port: 0 });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 760 }, colorScheme: 'light' });
  try {
    await tab.goto(remote.url);
    await tab.evaluate((id) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/run/${id}`), calcRun);
    await tab.locator('svg.dag .dag-node[data-job="(x * y) + (x / z)"][data-status="SUCCEEDED"]').waitFor({ timeout: 20_000 });
    assert.is(await tab.locator('svg.dag path.edge').count(), 4, 'Generate x → x * y, x / z → the sum');
    assert.ok((await tab.locator('svg.dag .dag-node.critical').count()) >= 3, 'the critical path is marked');
    assert.is(await tab.getByText('No edges').count(), 0);
    await tab.getByRole('tab', { name: 'Timeline' }).click();
    await tab.locator('.timeline .bar').first().waitFor({ timeout: 20_000 });
    assert.is(await tab.locator('.timeline .bar').count(), 4 /* builds */ + 6 /* tasks */);
  } finally {
    await tab.close();
    await remote.close();
    await fn.stop();
  }
});

test('a run that goes on updates in the page without a reload, and its log streams from its start', async () => {
  if (!available) return assert.unreachable(`no chromium at ${CHROMIUM}`);
  await page.goto(`${new URL(server.url).origin}/#/`);
  await setLoadMark(2);
  const live = await startLive();
  // The new run appears in the open list.
  await page.locator(`tr[data-run="${live}"]`).waitFor();
  await page.locator(`tr[data-run="${live}"] a`).click();
  await page.locator('svg.dag .dag-node[data-job="wait"][data-status="RUNNING"]').waitFor();
  await page.locator('svg.dag .dag-node[data-job="wait"]').click();
  await page.getByRole('complementary', { name: 'job wait' }).getByRole('link', { name: 'log' }).click();
  const log = page.getByRole('log');
  await log.getByText('started: waiting for the go file').waitFor();
  assert.not.match(await log.innerText(), /finished/);
  await shot('ui-log');
  await release(live);
  await log.getByText('finished').waitFor();
  await page.locator('h1 .badge', { hasText: 'SUCCEEDED' }).waitFor();
  // Search finds the line.
  await page.getByLabel('Search').fill('finish');
  assert.match(await page.locator('#hits').innerText(), /^1 line matches/);
  await page.goBack();
  await page.locator('h1 .badge', { hasText: 'SUCCEEDED' }).waitFor();
  await page.locator('svg.dag .dag-node[data-job="wait"][data-status="SUCCEEDED"]').waitFor();
  assert.is(await loadMark(), 2, 'the page was not reloaded');
});

test('requests from elsewhere are refused: a cross-origin POST (even with the token) and a page under another host name', async () => {
  if (!available) return assert.unreachable(`no chromium at ${CHROMIUM}`);
  const victim = await startLive();
  const token = new URL(server.url).hash.replace('#token=', '');
  const other_ = `http://127.0.0.1:${(other.address() as { port: number }).port}/`;
  await page.goto(other_);
  const tries = await page.evaluate(async ({ target, id, token }) => {
    const body = JSON.stringify({ id });
    const out: string[] = [];
    for (const init of [
      { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body },
      { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hyperp-Token': token }, body },
    ] as RequestInit[]) {
      try {
        const r = await fetch(`${target}api/cancel`, init);
        out.push(r.type === 'opaque' ? 'opaque' : String(r.status));
      } catch {
        out.push('blocked');
      }
    }
    return out;
  }, { target: `${new URL(server.url).origin}/`, id: victim, token });
  assert.equal(tries, ['opaque', 'blocked']);
  // A name that resolves to 127.0.0.1 (DNS rebinding) gets neither the page nor the API.
  const rebound = await page.goto(`http://rebound.example:${server.port}/`);
  assert.is(rebound?.status(), 421);
  assert.not.match(await page.content(), /id="app"/);
  const view = JSON.parse((await cli(['runs', 'show', victim, '--json'])).stdout) as { status: string; jobs: { status: string }[] };
  assert.ok(view.status !== 'CANCELLED', `the run was not cancelled (${view.status})`);
  // Cancel from the page itself, behind its confirmation.
  await page.goto(`${new URL(server.url).origin}/#/run/${victim}`);
  await page.locator('svg.dag .dag-node[data-job="wait"][data-status="RUNNING"]').waitFor();
  await page.getByRole('button', { name: 'Cancel run…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await shot('ui-cancel');
  await dialog.getByRole('button', { name: 'Cancel the run' }).click();
  await page.locator('h1 .badge', { hasText: 'CANCELLED' }).waitFor();
  await page.locator('svg.dag .dag-node[data-job="wait"][data-status="CANCELLED"]').waitFor();
});

test('a failed run shows the failed job with its retry, and the job it skipped with why', async () => {
  if (!available) return assert.unreachable(`no chromium at ${CHROMIUM}`);
  await page.goto(`${new URL(server.url).origin}/#/run/${flakyRun}`);
  await page.locator('h1 .badge', { hasText: 'FAILED' }).waitFor();
  const failed = page.locator('svg.dag .dag-node[data-job="fails"][data-status="FAILED"]');
  const skipped = page.locator('svg.dag .dag-node[data-job="never"][data-status="SKIPPED"]');
  const failedText = await failed.textContent() ?? '';
  assert.match(failedText, /✗ FAILED[\s\S]*· 1 retry(?!ies)/);
  assert.match(await skipped.textContent() ?? '', /⤼ SKIPPED[\s\S]*upstream job "fails" failed/);
  await failed.click();
  const panel = page.getByRole('complementary', { name: 'job fails' });
  assert.match(await panel.innerText(), /1\s+1\s+✗ FAILED[\s\S]*exited with code 3[\s\S]*1\s+2\s+✗ FAILED/);
  await page.getByRole('button', { name: 'Rerun failed…' }).waitFor();
  // What the page said about another run (the cancel before) is not said here.
  assert.is(await page.locator('.said').count(), 0);
  await shot('ui-failed');
  await page.getByRole('tab', { name: 'Timeline' }).click();
  assert.match(await page.locator('.timeline').innerText(), /↻ fails · task 1 · attempt 2/);
});

test('a large log is read in ranges and only its lines in view are in the page; search jumps to a match', async () => {
  if (!available) return assert.unreachable(`no chromium at ${CHROMIUM}`);
  await page.goto(`${new URL(server.url).origin}/#/run/${bigRun}/log/chatty/1`);
  await page.getByText('40000 lines').waitFor();
  assert.ok((await page.locator('.log-line').count()) < 200, 'the page holds only the lines around the view');
  await page.getByLabel('Search').fill('line 039999 ');
  await page.getByLabel('Search').press('Enter');
  assert.match(await page.locator('#hits').innerText(), /^1 line matches/);
  await page.locator('.log-line.current', { hasText: 'line 039999 of the chatty job' }).waitFor();
});

test('the workflows view draws each workflow from its files, with the plan', async () => {
  if (!available) return assert.unreachable(`no chromium at ${CHROMIUM}`);
  await page.goto(`${new URL(server.url).origin}/#/workflows`);
  await page.locator('article.workflow').first().waitFor();
  assert.is(await page.locator('article.workflow').count(), 4);
  assert.is(await page.locator('article.workflow', { has: page.locator('h2', { hasText: /^calculator / }) }).locator('.dag-node').count(), 4);
  assert.match(await page.locator('h2').first().innerText(), /0 errors, 0 warnings/);
  await shot('ui-workflows');
  // Every run so far, newest first; filtered by status.
  await page.goto(`${new URL(server.url).origin}/#/`);
  await page.locator(`tr[data-run="${calcRun}"]`).waitFor();
  const statuses = await page.locator('table.runs tbody tr td:first-child').allInnerTexts();
  const names = statuses.map((t) => t.replace(/^\W+/, ''));
  // The live runs last (cancelled, then released); the calculator, flaky and verbose runs began together.
  assert.equal([names.slice(0, 2), names.slice(2).sort()], [['CANCELLED', 'SUCCEEDED'], ['FAILED', 'SUCCEEDED', 'SUCCEEDED']]);
  await shot('ui-runs');
  await page.getByLabel('Status').selectOption('SUCCEEDED');
  assert.is(await page.locator('table.runs tbody tr').count(), 3);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${new URL(server.url).origin}/#/run/${calcRun}`);
  await page.locator('svg.dag .dag-node').first().waitFor();
  const bg = await page.locator('body').evaluate((b) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { backgroundColor: string } }).getComputedStyle(b).backgroundColor);
  assert.is(bg, 'rgb(13, 17, 23)');
  await shot('ui-run-dark');
});

test.run();
