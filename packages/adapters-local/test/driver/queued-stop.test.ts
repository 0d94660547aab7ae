// Tasks waiting for a `--parallel` slot when the run is cancelled are never started: the
// reducer holds their stop until a launch is answered, and starting a program only to stop it
// would make a cancel take as long as every queued task's start and stop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { vecToArray } from '@hyperp/core';
import { eventsFile, localLayout } from '../../src/layout.js';
import { driveLocalRun, openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import { appendLog } from '../../src/store/event-log.js';
import type { Engine } from '../../src/engine/types.js';
import { committedRepo } from '../git-repo.js';

test('a cancel while tasks wait for a slot starts none of them; the run ends CANCELLED', async () => {
  const layout = localLayout(committedRepo('hyperp-queued-stop-', {
    'hyperp-workflows/w.yaml': 'workflowName: w\nbranches: [main]\njobs:\n  - jobName: wide\n    taskDefinitionPath: wide/taskdef.json\n    concurrency: 4\n',
    'wide/Dockerfile': 'FROM python:3.12-slim\nCOPY main.py /app/\nCMD ["python3", "-u", "/app/main.py"]\n',
    'wide/main.py': 'import time\nprint("started", flush=True)\ntime.sleep(30)\n',
    'wide/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "dockerfilePath": "wide/Dockerfile", "stopTimeout": 1}]}',
  }));
  const opened = await openLocalEngine('process', layout);
  if (opened._tag !== 'Engine') throw new Error(opened.message);
  const started: string[] = [];
  const engine: Engine = { ...opened.engine, build: (r) => opened.engine.build(r), run: (t) => (started.push(t.attemptKey), opened.engine.run(t)) };
  const prepared = await prepareRuns({
    repoDir: layout.repoDir, workflows: [], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion('process'), now: Date.now(),
  });
  if (prepared._tag !== 'Prepared') throw new Error(prepared.message);
  const request = prepared.requests[0]!;
  await openRun(layout, request);
  let cancelled = false;
  const state = await driveLocalRun({
    layout, request, engine, parallel: 1, network: false,
    // As `hyperp cancel` does from another terminal, once the first task runs.
    onState: (s) => {
      const running = vecToArray(s.jobs).some((j) => j.taskCounts.RUNNING > 0);
      if (running && !cancelled) {
        cancelled = true;
        void appendLog(eventsFile(layout, request.runId), [{ _tag: 'CancelRequested', at: Date.now(), reason: 'enough', by: 'cli' }]);
      }
    },
  });
  const job = vecToArray(state.jobs)[0]!;
  assert.equal(
    [state.status, job.status, vecToArray(job.tasks).map((t) => [t.status, t.attempts.map((a) => a.outcome)])],
    ['CANCELLED', 'CANCELLED', [['CANCELLED', ['CANCELLED']], ['CANCELLED', ['CANCELLED']], ['CANCELLED', ['CANCELLED']], ['CANCELLED', ['CANCELLED']]]],
  );
  assert.equal(started.length, 1);
});

test.run();
