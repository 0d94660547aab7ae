// `pnpm bench`: what the local runtime costs on this machine — fsync'd appends to a run's event
// log, folding a run's log back into its state, the process engine's overhead per task (a
// bubblewrap sandbox over a private copy of the image), and a whole wide run end to end through
// the driver. Prints JSON, then a table. Figures, not pass/fail.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { appendLog } from '../src/store/event-log.js';
import { localLayout } from '../src/layout.js';
import { processEngine } from '../src/engine/process-engine.js';
import { driveLocalRun, openLocalEngine } from '../src/runs/drive-local.js';
import { foldRun } from '../src/driver/drive.js';
import { loadImageStore } from '../src/runs/image-index.js';
import { localBuilderVersion } from '../src/runs/settings.js';
import { openRun, prepareRuns } from '../src/runs/start.js';

const root = mkdtempSync(join(tmpdir(), 'hyperp-bench-'));
const rows: { what: string; figure: string; value: number; unit: string }[] = [];
const record = (what: string, figure: string, value: number, unit: string) => rows.push({ what, figure, value: Math.round(value * 100) / 100, unit });

// 1. Appends: one event per append, each fsync'd under the log's lock.
{
  const path = join(root, 'append', 'events.jsonl');
  const n = 500;
  const event = { _tag: 'Tick', at: 0, pad: 'x'.repeat(200) };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await appendLog(path, [{ ...event, at: i }]);
  const ms = performance.now() - t0;
  record('event log', 'appends per second (1 event, fsync each)', (n / ms) * 1000, 'appends/s');
}

// 2. The process engine: one task in a sandbox, start to exit.
{
  const engine = processEngine({ imagesDir: join(root, 'images'), scratchDir: join(root, 'tmp') });
  await engine.build({
    key: 'k', dockerfilePath: 'Dockerfile', context: '', dockerfile: 'FROM python:3\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n',
    files: { files: ['main.py'], read: () => Buffer.from('pass\n'), mode: () => 0o644 }, logFile: join(root, 'b.log'),
  });
  const out = join(root, 'out');
  mkdirSync(out);
  const n = 20;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await engine.run({
      attemptKey: `k${i}`, memoryMiB: 512, network: false, logFile: join(root, 't.log'),
      containers: [{
        name: 'main', image: 'k', essential: true, environment: {}, stopTimeoutSeconds: 1, binds: [{ host: out, sandbox: '/output', readOnly: false }],
        limits: { memoryMiB: 512, pids: 4096, tmpMiB: 512 },
      }],
    }).done;
  }
  record('process engine', 'python3 task in a sandbox, start to exit', (performance.now() - t0) / n, 'ms/task');
}

// 3. A wide run end to end: one job of N tasks, through the reducer, the log and the engine.
const wide = async (tasks: number) => {
  const dir = join(root, `wide-${tasks}`);
  mkdirSync(join(dir, 'hyperp-workflows'), { recursive: true });
  mkdirSync(join(dir, 'job'));
  writeFileSync(join(dir, 'hyperp-workflows', 'w.yaml'), `workflowName: wide\njobs:\n  - jobName: map\n    taskDefinitionPath: job/taskdef.json\n    concurrency: ${tasks}\n`);
  writeFileSync(join(dir, 'job', 'Dockerfile'), 'FROM python:3\nCOPY main.py /app/\nCMD ["python3", "/app/main.py"]\n');
  writeFileSync(join(dir, 'job', 'main.py'), 'import os\nopen(f"/output/{os.environ[\'TASK_INDEX\']}", "w").write("x")\n');
  writeFileSync(join(dir, 'job', 'taskdef.json'), '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "dockerfilePath": "job/Dockerfile"}]}');
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', ...a], { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'x');
  const layout = localLayout(dir);
  const opened = await openLocalEngine('process', layout);
  if (opened._tag !== 'Engine') throw new Error(opened.message);
  const prepared = await prepareRuns({ repoDir: dir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now() });
  if (prepared._tag !== 'Prepared') throw new Error(prepared.message);
  const request = prepared.requests[0]!;
  await openRun(layout, request);
  const parallel = cpus().length;
  const t0 = performance.now();
  const state = await driveLocalRun({ layout, request, engine: opened.engine, parallel, network: false, pollMs: 1000 });
  const ms = performance.now() - t0;
  if (state.status !== 'SUCCEEDED') throw new Error(`wide run ${state.status}: ${state.failure}`);
  record(`run of ${tasks} tasks (--parallel ${parallel})`, 'wall time per task', ms / tasks, 'ms/task');
  const f0 = performance.now();
  const folded = foldRun(layout, request.runId);
  record(`run of ${tasks} tasks`, `fold of its log (${folded.events} events)`, performance.now() - f0, 'ms');
};
await wide(20);
await wide(100);

rmSync(root, { recursive: true, force: true });
console.log(JSON.stringify({ benchmark: 'adapters-local runtime', cpus: cpus().length, results: rows }, null, 2));
console.table(rows);
