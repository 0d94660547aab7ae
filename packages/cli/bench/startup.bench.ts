// `pnpm bench startup`: how long the `hyperp` executable (the bundled bin a user runs) takes
// from start to exit for `--version`, `--help` and `runs list` in a repository with one finished
// run (its summary written, as a run's driver leaves it), against `node -e 0` measured in the same
// rounds: the ratio is what stays comparable between machines. Rounds alternate the commands so a machine that slows down slows all alike.
// Figures only: the median wall time of each, and its ratio to node's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { appendLog, ensureLayout, eventsFile, foldRun, localLayout, runSummaryOf, writeRunSummary } from '@hyperp/adapters-local';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import { bundle, bundleDir } from '../scripts/bundle.mjs';

const ROUNDS = Number(process.env.HYPERP_BENCH_ROUNDS ?? 15);

await bundle();
const bin = join(bundleDir, 'hyperp.js');
const repo = mkdtempSync(join(tmpdir(), 'hyperp-bench-startup-'));
try {
  const layout = localLayout(repo);
  ensureLayout(layout);
  const request = syntheticRunRequested({ name: 'bench', jobs: [{ name: 'a', concurrency: 2 }, { name: 'b', dependsOn: ['a'] }] }, { runId: 'r1', at: Date.UTC(2026, 10, 22) });
  const sim = simulate({ seed: 1, request, model: { startLatencyMs: 1000, buildMs: () => 5000, task: () => ({ durationMs: 9000, exitCode: 0 }) }, recordHistory: true });
  await appendLog(eventsFile(layout, 'r1'), sim.history);
  // The summary the driver keeps as a run goes (a run of a hyperp that wrote none gets it from the first list).
  const folded = foldRun(layout, 'r1');
  writeRunSummary(layout, 'r1', runSummaryOf('r1', folded.state, folded.damagedLines), folded.offset);

  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['hyperp --version', [bin, '--version']],
    ['hyperp --help', [bin, '--help']],
    ['hyperp runs list', [bin, 'runs', 'list', '--repo', repo]],
  ];
  const times = new Map<string, number[]>(commands.map(([name]) => [name, []]));
  const once = (args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  for (const [, args] of commands) once(args); // warm the file cache
  for (let i = 0; i < ROUNDS; i++) for (const [name, args] of commands) times.get(name)!.push(once(args));

  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const node = median(times.get('node -e 0')!);
  const rows = commands.map(([name]) => {
    const ms = median(times.get(name)!);
    return { command: name, 'median ms': Math.round(ms), 'ratio to node -e 0': Math.round((ms / node) * 100) / 100 };
  });
  console.log(JSON.stringify({ benchmark: 'cli startup', rounds: ROUNDS, results: rows }, null, 2));
  console.table(rows);
} finally {
  rmSync(repo, { recursive: true, force: true });
}
