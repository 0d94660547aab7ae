// The adversarial sandbox cases (sandbox-cases.ts) against the process engine with one of its
// sandboxes (bubblewrap, util-linux), as the user running the tests — root in CI — and the kill
// -9 trials: hyperp killed at any moment, from the instant a sandbox is spawned on, leaves no
// sandboxed process running. sandbox-process.test.ts and sandbox-unshare.test.ts run it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processEngine } from '../../src/engine/process-engine.js';
import type { SandboxName } from '../../src/engine/unshare-sandbox.js';
import { buildHostileImages, runOrNotice, sandboxCases, survivors, type SandboxCase, type SandboxTarget } from './sandbox-cases.js';
import { tempDir } from '../temp.js';

/** `trials`: how many times hyperp is killed (a multiple of 4; four at a time). */
export const runProcessSandboxSuites = async (sandbox: SandboxName, trials: number, extraCases: readonly SandboxCase[] = []): Promise<void> => {
  const root = tempDir('hyperp-adv-pe-');
  const imagesDir = join(root, 'images');
  const scratchDir = join(root, 'tmp');
  const engine = processEngine({ imagesDir, scratchDir, sandbox });
  const built = await engine.build({
    key: 'adversary', dockerfilePath: 'job/Dockerfile', context: 'job', dockerfile: 'FROM debian:bookworm-slim\nCOPY run.sh /app/\nCMD ["sh", "/app/run.sh"]\n',
    files: { files: ['run.sh'], read: () => Buffer.from('true\n'), mode: () => 0o644 }, logFile: join(root, 'build.log'),
  });
  if (built._tag !== 'Built') throw new Error(built.reason);
  const target: SandboxTarget = { engine, image: 'adversary', hostile: await buildHostileImages(engine, 'debian:bookworm-slim', root) };

  const cases = suite(`sandbox (process engine, ${sandbox})`);
  for (const c of [...sandboxCases, ...extraCases]) cases(c.name, () => runOrNotice(target, c));
  cases.run();

  const kill = suite(`sandbox (process engine, ${sandbox}): hyperp killed with SIGKILL`);

  /** Waits (bounded) for the sandboxes of `marker` to go; returns those still there. */
  const settle = async (marker: string): Promise<number[]> => {
    for (let i = 0; i < 50; i++) {
      const left = survivors(marker);
      if (left.length === 0) return left;
      await sleep(100);
    }
    return survivors(marker);
  };

  /**
   * One trial: a child process drives tasks and is killed with SIGKILL, either the instant its
   * n-th launch returns (bubblewrap still setting up: the moment that used to leave sandboxes
   * behind) or at a random moment after its first launch; then what it left is looked for.
   */
  const trial = async (n: number): Promise<string | undefined> => {
    const marker = `hyperp-kill-${randomBytes(6).toString('hex')}`;
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'drive-tasks.ts'), imagesDir, scratchDir, 'adversary', marker, sandbox], { stdio: ['ignore', 'pipe', 'inherit'] });
    const nth = 1 + (n % 4);
    const delay = Math.floor(Math.random() * 120);
    let spawned = 0;
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        spawned += d.toString().split('\n').filter((l) => l === 'spawned').length;
        if (n % 2 === 0 && spawned >= nth) child.kill('SIGKILL');
        if (n % 2 === 1 && spawned >= 1) setTimeout(() => child.kill('SIGKILL'), delay);
      });
      child.once('exit', () => resolve());
    });
    const still = await settle(marker);
    if (still.length === 0) return undefined;
    const what = still.map((pid) => {
      try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 60); } catch { return `${pid} (gone)`; }
    });
    for (const pid of still) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    return `trial ${n} (${n % 2 === 0 ? `at launch ${nth}` : `${delay} ms after the first launch`}): ${what.join(' | ')}`;
  };

  kill(`${trials} trials: a hyperp killed at a random moment, or right as it spawns a sandbox, leaves no sandbox running`, async () => {
    const left: string[] = [];
    // Four at a time: the trials are independent (each its own marker), and the machine busier.
    for (let batch = 0; batch < trials; batch += 4) {
      const results = await Promise.all([0, 1, 2, 3].map((i) => trial(batch + i)));
      left.push(...results.filter((r): r is string => r !== undefined));
    }
    assert.equal(left, []);
  });

  kill.run();
};
