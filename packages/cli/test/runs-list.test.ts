import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLog, eventsFile, localLayout, openRun, runSummaryFile } from '@hyperp/adapters-local';
import { syntheticRunRequested } from '@hyperp/core/sim';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hyperp } from './run-cli.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

test('runs list: every local run, oldest first, narrowed by workflow, branch or commit prefix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-list-'));
  try {
    const layout = localLayout(dir);
    const runs = [
      { ...syntheticRunRequested({ name: 'build', jobs: [{ name: 'a' }] }, { runId: 'r1', at: T0, commit: 'aaaa1111' }), branch: 'main' },
      { ...syntheticRunRequested({ name: 'build', jobs: [{ name: 'a' }] }, { runId: 'r2', at: T0 + 1000, commit: 'bbbb2222' }), branch: 'dev' },
      { ...syntheticRunRequested({ name: 'deploy', jobs: [{ name: 'a' }] }, { runId: 'r3', at: T0 + 2000, commit: 'aaaa1111' }), branch: 'main' },
    ];
    for (const r of runs) await openRun(layout, r);
    // Requested runs whose images are to be built: BUILDING from their first event, and no
    // hyperp process drives them.
    const row = (runId: string, workflow: string, commit: string, at: number, branch: string) =>
      ({ runId, workflow, commit, status: 'BUILDING', costUsd: 0, requestedAt: new Date(at).toISOString(), branch, finishedAt: null, resumeWith: `hyperp resume ${runId} --repo ${dir}` });
    const list = async (...args: string[]) => JSON.parse((await hyperp(['runs', 'list', '--repo', dir, '--json', ...args])).stdout) as unknown;
    const r1 = row('r1', 'build', 'aaaa1111', T0, 'main');
    const r2 = row('r2', 'build', 'bbbb2222', T0 + 1000, 'dev');
    const r3 = row('r3', 'deploy', 'aaaa1111', T0 + 2000, 'main');
    assert.equal(await list(), { runs: [r1, r2, r3] });
    assert.equal(await list('--workflow', 'build'), { runs: [r1, r2] });
    assert.equal(await list('--branch', 'main'), { runs: [r1, r3] });
    assert.equal(await list('--commit', 'aaaa', '--workflow', 'deploy'), { runs: [r3] });
    assert.equal(await hyperp(['runs', 'list', '--repo', dir, '--branch', 'dev']), { code: 0, stdout: `r2  BUILDING   build  bbbb2222  $0.0000  ! stopped: no hyperp process is driving it any more; continue it with: hyperp resume r2 --repo ${dir}\n`, stderr: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runs list --workflow matches names exactly, as run --workflow does; a name no workflow has is said, with the names and a "did you mean" (it listed nothing)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-list-'));
  try {
    const layout = localLayout(dir);
    await openRun(layout, syntheticRunRequested({ name: 'Calculator', jobs: [{ name: 'a' }] }, { runId: 'r1', at: T0, commit: 'aaaa1111' }));
    await openRun(layout, syntheticRunRequested({ name: 'deploy', jobs: [{ name: 'a' }] }, { runId: 'r2', at: T0 + 1000, commit: 'aaaa1111' }));
    assert.equal(await hyperp(['runs', 'list', '--repo', dir, '--workflow', 'calculator']), {
      code: 1, stdout: '', stderr: 'error: no workflow named "calculator"; did you mean "Calculator"? (workflows: "Calculator", "deploy")\n',
    });
    const exact = await hyperp(['runs', 'list', '--repo', dir, '--workflow', 'Calculator', '--json']);
    assert.equal([exact.code, (JSON.parse(exact.stdout) as { runs: { runId: string }[] }).runs.map((r) => r.runId)], [0, ['r1']]);
    // a name that exists but matches no run of the other filters is an empty list, not an error
    assert.equal(await hyperp(['runs', 'list', '--repo', dir, '--workflow', 'deploy', '--commit', 'bbbb']), { code: 0, stdout: `no runs under ${join(dir, '.hyperp')} of workflow "deploy"\n`, stderr: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--repo defaults to the directory the user ran hyperp from (INIT_CWD under pnpm), and a relative --repo is resolved against it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-cwd-'));
  try {
    await openRun(localLayout(join(dir, 'repo')), syntheticRunRequested({ name: 'build', jobs: [{ name: 'a' }] }, { runId: 'r1', at: T0, commit: 'aaaa1111' }));
    const ids = async (args: string[], env: Record<string, string>) =>
      (JSON.parse((await hyperp(['runs', 'list', '--json', ...args], { cwd: tmpdir(), env })).stdout) as { runs: { runId: string }[] }).runs.map((r) => r.runId);
    // pnpm runs the script from the workspace root (cwd) and keeps the user's directory in INIT_CWD
    assert.equal(await ids([], { INIT_CWD: join(dir, 'repo') }), ['r1']);
    assert.equal(await ids(['--repo', 'repo'], { INIT_CWD: dir }), ['r1']);
    // …not against the process's own directory
    const missing = await hyperp(['runs', 'list', '--repo', 'repo'], { cwd: dir, env: { INIT_CWD: join(dir, 'elsewhere') } });
    assert.equal([missing.code, missing.stderr], [1, `error: --repo repo: ${join(dir, 'elsewhere', 'repo')} does not exist\n`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const inRepo = async (f: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-list-'));
  try {
    await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
/** The log length a run's summary was made from, and the cost it holds. */
const summaryOfLog = (dir: string, runId: string) => {
  const { logBytes, summary } = JSON.parse(readFileSync(runSummaryFile(localLayout(dir), runId), 'utf8')) as { logBytes: number; summary: { costUsd: number } };
  return { logBytes, costUsd: summary.costUsd };
};
const statusOf = async (dir: string, ...args: string[]) =>
  (JSON.parse((await hyperp(['runs', 'list', '--repo', dir, '--json', ...args])).stdout) as { runs: { runId: string; status: string; costUsd: number }[] }).runs
    .map((r) => [r.runId, r.status, r.costUsd]);

test('runs list reads each run\'s summary, not its log, while the summary is of the log as it is', async () => {
  await inRepo(async (dir) => {
    const layout = localLayout(dir);
    await openRun(layout, syntheticRunRequested({ name: 'build', jobs: [{ name: 'a' }] }, { runId: 'r1', at: T0, commit: 'aaaa1111' }));
    const file = runSummaryFile(layout, 'r1');
    // What the list shows comes from the summary: one changed (the log untouched) is what it prints.
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { summary: Record<string, unknown> };
    writeFileSync(file, JSON.stringify({ ...saved, summary: { ...saved.summary, costUsd: 1.5 } }));
    assert.equal(await statusOf(dir), [['r1', 'BUILDING', 1.5]]);
    // It is a file on disk (a repository folder may come with one): printed, nothing in it reaches the terminal raw.
    writeFileSync(file, JSON.stringify({ ...saved, summary: { ...saved.summary, status: 'BUILDING\u001b]0;owned\u0007\u001b[2J' } }));
    const printed = await hyperp(['runs', 'list', '--repo', dir]);
    assert.not.ok(/[\u0000-\u001f\u007f]/.test(printed.stdout.replace(/\n/g, '')), JSON.stringify(printed.stdout));
    writeFileSync(file, JSON.stringify({ ...saved, summary: { ...saved.summary, costUsd: 1.5 } }));
    // Once the log has grown (a cancel appended by a process that wrote no summary), the summary is
    // out of date: the log is folded again, and what it says is shown, and kept for the next list.
    await appendLog(eventsFile(layout, 'r1'), [{ _tag: 'CancelRequested', at: T0 + 10, reason: 'enough', by: 'cli' }]);
    assert.equal(await statusOf(dir), [['r1', 'BUILDING', 0]]);
    assert.equal(summaryOfLog(dir, 'r1'), { logBytes: statSync(eventsFile(layout, 'r1')).size, costUsd: 0 });
  });
});

test('runs list shows runs that have no summary (written by an older hyperp) or a damaged one, from their logs', async () => {
  await inRepo(async (dir) => {
    const layout = localLayout(dir);
    for (const [id, at] of [['r1', T0], ['r2', T0 + 1], ['r3', T0 + 2], ['r4', T0 + 3]] as const) {
      // The log alone, as a hyperp that wrote no summaries left it.
      await appendLog(eventsFile(layout, id), [syntheticRunRequested({ name: 'build', jobs: [{ name: 'a' }] }, { runId: id, at, commit: 'aaaa1111' })]);
    }
    writeFileSync(runSummaryFile(layout, 'r3'), '{"format": 1, "logBytes": 12, "summ');
    // A link in its place is not followed.
    writeFileSync(join(dir, 'elsewhere.json'), readFileSync(eventsFile(layout, 'r1')));
    symlinkSync(join(dir, 'elsewhere.json'), runSummaryFile(layout, 'r4'));
    const all = [['r1', 'BUILDING', 0], ['r2', 'BUILDING', 0], ['r3', 'BUILDING', 0], ['r4', 'BUILDING', 0]];
    assert.equal(await statusOf(dir), all);
    // Folded once, each now has a summary of its log, which the next list reads.
    for (const id of ['r1', 'r2', 'r3', 'r4']) assert.equal(summaryOfLog(dir, id), { logBytes: statSync(eventsFile(layout, id)).size, costUsd: 0 }, id);
    assert.equal(await statusOf(dir, '--branch', 'main'), all);
    assert.equal(readFileSync(join(dir, 'elsewhere.json')), readFileSync(eventsFile(layout, 'r1')));
    // Writing there, the list keeps .hyperp/ out of git status as every command does.
    assert.is(readFileSync(join(layout.root, '.gitignore'), 'utf8'), '# hyperp local state: never committed\n*\n');
  });
});

test.run();
