import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localLayout, openRun } from '@hyperp/adapters-local';
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

test.run();
