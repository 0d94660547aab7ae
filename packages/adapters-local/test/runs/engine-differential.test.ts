// The same workflows on the process (in each of its sandboxes), docker and podman engines, compared
// engine against engine:
// run and job statuses, every attempt's outcome, exit codes and reasons, the files each job
// writes to /output, TASK_INDEX, read-only inputs, retries, timeouts, a cancel during a running
// job, a declared secret (a read-only file of the task's user, masked in the log) and the run's
// inputs, the task's user (an image's named USER, a task definition's `user` over it: who runs,
// who owns the secret, writing /output and /shared), and which files `COPY . /app/` takes when `.dockerignore` lists the Dockerfile. The
// fixture is a real git repository; the image is tiny (busybox, made here: no registry).
//
// An engine missing here is named loudly and its comparisons are skipped; CI sets
// HYPERP_TEST_ENGINES=bwrap,unshare,docker,podman (.ci/run), and then a missing one fails the file.
// The process engine runs in both its sandboxes: bubblewrap's (`bwrap`) and util-linux's (`unshare`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { vecToArray, type RunRequested, type RunState } from '@hyperp/core';
import { jobArtifactPath, sharedArtifactPath } from '@hyperp/core/internal';
import { localLayout, type LocalLayout } from '../../src/layout.js';
import { taskLogFile } from '../../src/task-log.js';
import { driveLocalRun, openLocalEngine } from '../../src/runs/drive-local.js';
import { loadImageStore } from '../../src/runs/image-index.js';
import { localBuilderVersion } from '../../src/runs/settings.js';
import { openRun, prepareRuns } from '../../src/runs/start.js';
import type { Engine } from '../../src/engine/types.js';
import type { EngineChoice } from '../../src/engine/detect.js';
import { baseImage, requireEngine, type Cli } from '../adversarial/container-host.js';
import { committedRepo } from '../git-repo.js';

const ENGINES: readonly EngineChoice[] = ['bwrap', 'unshare', 'docker', 'podman'];
const required = (process.env['HYPERP_TEST_ENGINES'] ?? '').split(',').filter((e) => e !== '');

/** The engines that work here, and why the others do not. */
const usable = new Map<EngineChoice, { engine: Engine; layout: LocalLayout }>();
const missing = new Map<EngineChoice, string>();
/** The base image both container engines get (the same tag: a hash of busybox and its layout). */
let image = 'busybox';
for (const cli of ['docker', 'podman'] as const) {
  try {
    requireEngine(cli, 'the differential test');
    image = baseImage(cli);
  } catch (e) {
    missing.set(cli, (e as Error).message);
  }
}

/** One task definition: `script` run by the image's `sh`, stopped 1 s after SIGTERM; `more` adds to the container. */
const taskdef = (script: string, more: Record<string, unknown> = {}): string =>
  JSON.stringify({
    cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'main', dockerfilePath: 'app/Dockerfile', entryPoint: ['/bin/sh', '-c'], command: [script], stopTimeout: 1, ...more }],
  });

/** Who runs, with which group and home, who owns the secret, and whether /output and /shared take writes. */
const WHOAMI = 'id -u > /output/uid.txt; id -g > /output/gid.txt; echo "$HOME" > /output/home.txt; ' +
  'stat -c "%a %u" /run/secrets/token > /output/secret-owner.txt; cat /run/secrets/token > /output/secret.txt; ' +
  'mkdir /output/sub && echo written > /output/sub/file.txt && echo "$(id -u)" > "/shared/common/by-$(id -u).txt"';

// Scripts read the same in the host's sh (process engine) and busybox's (the image): errors
// go to /dev/null and each failure has an exit code of its own, so logs and reasons agree.
function repo(): string {
  return committedRepo('hyperp-differential-', {
    'app/Dockerfile': `FROM ${image}\nCOPY . /app/\nWORKDIR /app\nENV GREETING=hello\nCMD ["/bin/sh", "-c", "echo \\"$GREETING from $(pwd)\\" > /output/cmd.txt; echo more >> data.txt; cat data.txt > /output/data.txt"]\n`,
    // Docker: the Dockerfile and .dockerignore may be listed; they are then used, not copied.
    'app/.dockerignore': 'Dockerfile\n.dockerignore\nsecret.txt\n',
    'app/data.txt': 'data\n',
    // A named USER, found in the image's own account files (odd lines among them, as real files have).
    'user/Dockerfile': `FROM ${image}\nCOPY passwd group /etc/\nUSER app\n`,
    'user/passwd': 'root:x:0:0:root:/root:/bin/sh\n# accounts of the job\n\napp:x:1000:1000:app:/home/app:/bin/sh\nother:x:2000:2000::/home/other:/bin/sh\n+::::::\n',
    'user/group': 'root:x:0:\napp:x:1000:\nstaff:x:3000:other\n',
    'app/secret.txt': 'left out\n',
    'hyperp-workflows/main.yaml': [
      'workflowName: main', 'inputs: [{name: n, type: number}]', 'artifacts: {shared: [{name: common}]}', 'jobs:',
      '  - {jobName: secret, taskDefinitionPath: taskdefs/secret.json, secrets: [token]}',
      '  - {jobName: write, taskDefinitionPath: taskdefs/write.json}',
      '  - {jobName: fan, taskDefinitionPath: taskdefs/fan.json, concurrency: 3}',
      '  - {jobName: readonly, taskDefinitionPath: taskdefs/readonly.json, dependsOn: [write]}',
      '  - {jobName: after-readonly, taskDefinitionPath: taskdefs/write.json, dependsOn: [readonly]}',
      '  - {jobName: retry, taskDefinitionPath: taskdefs/retry.json, retries: 1}',
      '  - {jobName: timeout, taskDefinitionPath: taskdefs/slow.json, timeoutSeconds: 8}',
      '  - {jobName: context, taskDefinitionPath: taskdefs/context.json}',
      '  - {jobName: image-cmd, taskDefinitionPath: taskdefs/image-cmd.json}',
      '  - {jobName: named-user, taskDefinitionPath: taskdefs/named-user.json, secrets: [token]}',
      '  - {jobName: user-override, taskDefinitionPath: taskdefs/user-override.json, secrets: [token]}',
      '  - {jobName: uid-override, taskDefinitionPath: taskdefs/uid-override.json, secrets: [token]}',
      '  - {jobName: unknown-user, taskDefinitionPath: taskdefs/unknown-user.json}',
      '',
    ].join('\n'),
    'hyperp-workflows/cancel.yaml': [
      'workflowName: cancel', 'jobs:',
      '  - {jobName: long, taskDefinitionPath: taskdefs/slow.json}',
      '  - {jobName: next, taskDefinitionPath: taskdefs/write.json, dependsOn: [long]}',
      '',
    ].join('\n'),
    'taskdefs/write.json': taskdef('mkdir -p /output/sub && echo one > /output/a.txt && echo two > /output/sub/b.txt'),
    'taskdefs/secret.json': taskdef(
      'cat /run/secrets/token > /output/secret.txt; stat -c %a /run/secrets/token > /output/mode.txt; ' +
      'cat /run/hyperp/inputs.json > /output/inputs.txt; echo "$HYPERP_INPUT_N" > /output/n.txt; echo "token $(cat /run/secrets/token)"; ' +
      '{ echo changed > /run/secrets/token; } 2>/dev/null && exit 4; exit 0',
    ),
    'taskdefs/fan.json': taskdef('echo "$TASK_INDEX of $TASK_TOTAL_SIZE" > "/output/task-$TASK_INDEX.txt"'),
    'taskdefs/readonly.json': taskdef(
      '{ echo changed > /input/write/a.txt || touch /input/write/new || rm /input/write/sub/b.txt; } 2>/dev/null && exit 0; ' +
      'echo refused > /output/refused.txt; exit 3',
    ),
    'taskdefs/retry.json': taskdef('if [ -e /output/first ]; then echo second > /output/result.txt; else echo first > /output/first; exit 5; fi'),
    // SIGTERM reaches the job's program (the shell waits on `sleep` in the background to act on it at once).
    'taskdefs/slow.json': taskdef("trap 'echo terminated > /output/terminated.txt; exit 143' TERM; echo started > /output/started.txt; sleep 60 & wait"),
    'taskdefs/named-user.json': taskdef(WHOAMI, { dockerfilePath: 'user/Dockerfile' }),
    'taskdefs/user-override.json': taskdef(WHOAMI, { dockerfilePath: 'user/Dockerfile', user: 'other:staff' }),
    'taskdefs/uid-override.json': taskdef(WHOAMI, { user: '4321' }),
    'taskdefs/unknown-user.json': taskdef('exit 0', { dockerfilePath: 'user/Dockerfile', user: 'ghost' }),
    'taskdefs/image-cmd.json': JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'app/Dockerfile' }] }),
    'taskdefs/context.json': taskdef('ls -A /app > /output/listing.txt; pwd > /output/pwd.txt; ls -ld /tmp | cut -c1-10 > /output/tmp-mode.txt'),
  });
}

for (const name of ENGINES.filter((e) => !missing.has(e))) {
  const layout = localLayout(repo());
  const e = await openLocalEngine(name, layout);
  if (e._tag === 'Engine') usable.set(name, { engine: e.engine, layout });
  else missing.set(name, e.message);
}
for (const [name, why] of missing) {
  // "skipped:" lines are shown by the test runner even when the file passes.
  process.stderr.write(`skipped: the ${name} engine cannot run here, so it is NOT compared with the others: ${why}\n`);
  test.skip(`the ${name} engine (missing here)`, () => undefined);
}

/** What one engine's run comes to: everything the comparisons read, and nothing that is the engine's own (ids, times, paths). */
interface Outcome {
  readonly status: string;
  readonly jobs: Record<string, {
    status: string;
    reason: string | null;
    attempts: { index: number; attempt: number; outcome: string | null; exitCodes: Record<string, number | null>; stopCode: string | null; timedOut: boolean; reason: string | null }[];
  }>;
  /** Each job's /output: path → content. */
  readonly outputs: Record<string, Record<string, string>>;
  /** The inputs after the run (a read-only /input/write must leave them as they were). */
  readonly writeOutputAfter: Record<string, string>;
  /** What the run's plan did with its images (build, reuse). */
  readonly images?: readonly string[];
  /** The run's /shared/common. */
  readonly shared?: Record<string, string>;
  /** The log of the job that reads a secret. */
  readonly secretLog?: string;
}

const filesUnder = (dir: string): Record<string, string> => {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[relative(dir, join(e.parentPath, e.name))] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
};

const outcomeOf = (layout: LocalLayout, req: RunRequested, state: RunState): Outcome => {
  const dirOf = (job: string) => join(layout.artifactsDir, jobArtifactPath({ commit: req.commit, runId: req.runId, workflow: req.workflow.name }, job));
  const jobs = vecToArray(state.jobs);
  return {
    status: state.status,
    jobs: Object.fromEntries(jobs.map((j) => [j.name, {
      status: j.status,
      reason: j.reason,
      attempts: vecToArray(j.tasks).flatMap((t) => t.attempts.map((a) => ({
        index: t.index, attempt: a.attempt, outcome: a.outcome, exitCodes: a.exitCodes, stopCode: a.stopCode, timedOut: a.timedOut, reason: a.reason,
      }))),
    }])),
    outputs: Object.fromEntries(jobs.map((j) => [j.name, filesUnder(dirOf(j.name))])),
    writeOutputAfter: filesUnder(dirOf('write')),
    shared: filesUnder(join(layout.artifactsDir, sharedArtifactPath({ commit: req.commit, runId: req.runId, workflow: req.workflow.name }, 'common'))),
  };
};

/**
 * Runs the main workflow, then the cancel one (its image, the same, is reused: built once per
 * engine); the cancel run is cancelled once its job has really started.
 */
const runOn = async (name: EngineChoice, engine: Engine, layout: LocalLayout): Promise<Record<string, Outcome>> => {
  const out: Record<string, Outcome> = {};
  for (const workflow of ['main', 'cancel']) {
    const prepared = await prepareRuns({
      repoDir: layout.repoDir, workflows: [workflow], images: loadImageStore(layout.imagesDir), builderVersion: localBuilderVersion(engine.name), now: Date.now(),
      ...(workflow === 'main' ? { inputs: { n: '3' } } : {}),
    });
    if (prepared._tag !== 'Prepared') throw new Error(`${name}: ${prepared.message}`);
    const request = prepared.requests[0]!;
    await openRun(layout, request);
    const cancel = new AbortController();
    const started = join(layout.artifactsDir, jobArtifactPath({ commit: request.commit, runId: request.runId, workflow }, 'long'), 'started.txt');
    let watching = workflow === 'cancel';
    const watch = (async () => {
      while (watching && !existsSync(started)) await sleep(50);
      if (watching) cancel.abort(new Error('cancelled by the test'));
    })();
    const secrets = { values: new Map([['token', 'tok-9f2e77']]), sources: [] };
    const state = await driveLocalRun({ layout, request, engine, parallel: 4, network: false, signal: cancel.signal, secrets });
    watching = false;
    await watch;
    const secretLog = workflow === 'main' ? readFileSync(taskLogFile(layout, request.runId, 'secret', 1, 1), 'utf8') : undefined;
    out[workflow] = {
      ...outcomeOf(layout, request, state), images: [...new Set(request.plan.jobs.flatMap((j) => j.images.map((i) => i.action)))],
      ...(secretLog !== undefined ? { secretLog } : {}),
    };
  }
  return out;
};

const outcomes = new Map(await Promise.all([...usable].map(async ([name, u]) => [name, await runOn(name, u.engine, u.layout)] as const)));

/** Every engine's `pick` of its `workflow` run, against one expectation. */
const compare = <T>(workflow: string, pick: (o: Outcome) => T, expected: T) => {
  const actual = Object.fromEntries([...outcomes].map(([name, o]) => [name, o[workflow] === undefined ? `no ${workflow} run` : pick(o[workflow])]));
  assert.equal(actual, Object.fromEntries([...outcomes.keys()].map((name) => [name, expected])));
};

test('every engine runs here (CI requires the process engine in both sandboxes, docker and podman)', () => {
  const lacking = required.filter((e) => missing.has(e as EngineChoice) || !ENGINES.includes(e as EngineChoice));
  assert.equal(lacking.map((e) => `${e}: ${missing.get(e as EngineChoice) ?? 'not an engine this test runs'}`), []);
  assert.ok(usable.size > 0, 'no engine at all');
});

test('each engine builds the images once and reuses them', () => {
  compare('main', (o) => o.images, ['build']);
  compare('cancel', (o) => o.images, ['reuse']);
});

test('run and job statuses agree', () => {
  compare('main', (o) => [o.status, Object.fromEntries(Object.entries(o.jobs).map(([n, j]) => [n, j.status]))], ['FAILED', {
    secret: 'SUCCEEDED', write: 'SUCCEEDED', fan: 'SUCCEEDED', readonly: 'FAILED', 'after-readonly': 'SKIPPED', retry: 'SUCCEEDED', timeout: 'FAILED', context: 'SUCCEEDED', 'image-cmd': 'SUCCEEDED',
    'named-user': 'SUCCEEDED', 'user-override': 'SUCCEEDED', 'uid-override': 'SUCCEEDED', 'unknown-user': 'FAILED',
  }]);
});

test('each job writes the same files to /output', () => {
  compare('main', (o) => ({ write: o.outputs['write'], after: o.outputs['after-readonly'] }), {
    write: { 'a.txt': 'one\n', 'sub/b.txt': 'two\n' }, after: {},
  });
});

test('a secret is a read-only file of the task\'s user, masked in the log; inputs are a file and a variable', () => {
  compare('main', (o) => [o.outputs['secret'], o.secretLog], [
    { 'inputs.txt': '{"n":3}\n', 'mode.txt': '400\n', 'n.txt': '3\n', 'secret.txt': 'tok-9f2e77' },
    'token ***\n',
  ]);
});

test('TASK_INDEX and TASK_TOTAL_SIZE of a job with three tasks', () => {
  compare('main', (o) => [o.outputs['fan'], o.jobs['fan']!.attempts.map((a) => [a.index, a.outcome, a.exitCodes])], [
    { 'task-1.txt': '1 of 3\n', 'task-2.txt': '2 of 3\n', 'task-3.txt': '3 of 3\n' },
    [[1, 'SUCCEEDED', { main: 0 }], [2, 'SUCCEEDED', { main: 0 }], [3, 'SUCCEEDED', { main: 0 }]],
  ]);
});

const attempt = (index: number, n: number, outcome: string, code: number | null, reason: string | null, stopCode = 'EssentialContainerExited', timedOut = false) =>
  ({ index, attempt: n, outcome, exitCodes: { main: code }, stopCode, timedOut, reason });

test('an input is read-only: writing /input/<dep> fails the same way, and the dependency\'s output is untouched', () => {
  compare('main', (o) => [o.jobs['readonly'], o.outputs['readonly'], o.writeOutputAfter, o.jobs['after-readonly']], [
    { status: 'FAILED', reason: 'task 1: container "main" exited with code 3', attempts: [attempt(1, 1, 'FAILED', 3, 'container "main" exited with code 3')] },
    { 'refused.txt': 'refused\n' },
    { 'a.txt': 'one\n', 'sub/b.txt': 'two\n' },
    { status: 'SKIPPED', reason: 'upstream job "readonly" failed', attempts: [] },
  ]);
});

test('a task failing its first attempt succeeds on its retry, with /output kept between attempts', () => {
  compare('main', (o) => [o.jobs['retry'], o.outputs['retry']], [
    { status: 'SUCCEEDED', reason: null, attempts: [attempt(1, 1, 'FAILED', 5, 'container "main" exited with code 5'), attempt(1, 2, 'SUCCEEDED', 0, null)] },
    { first: 'first\n', 'result.txt': 'second\n' },
  ]);
});

// The timeout leaves a container engine time to start the container on a busy machine: it counts from the launch.
test('a task over its timeout is stopped (SIGTERM reaches its program) and reported the same', () => {
  compare('main', (o) => [o.jobs['timeout'], o.outputs['timeout']], [
    { status: 'FAILED', reason: 'task 1: timed out after 8 s', attempts: [attempt(1, 1, 'FAILED', 143, 'timed out after 8 s', 'UserInitiated', true)] },
    { 'started.txt': 'started\n', 'terminated.txt': 'terminated\n' },
  ]);
});

test('a cancel during a running job gives the same final statuses', () => {
  const why = 'cancelled: interrupted (Ctrl-C)'; // the driver's reason for its abort signal
  compare('cancel', (o) => [o.status, o.jobs, o.outputs], [
    'CANCELLED',
    { long: { status: 'CANCELLED', reason: why, attempts: [attempt(1, 1, 'CANCELLED', 143, why, 'UserInitiated')] }, next: { status: 'SKIPPED', reason: why, attempts: [] } },
    { long: { 'started.txt': 'started\n', 'terminated.txt': 'terminated\n' }, next: {} },
  ]);
});

test('COPY . takes the context as .dockerignore leaves it: no Dockerfile, no .dockerignore (Docker uses both, copies neither)', () => {
  compare('main', (o) => [o.outputs['context']?.['listing.txt'], o.outputs['context']?.['pwd.txt']], ['data.txt\n', '/app\n']);
});

test('/tmp is world-writable with the sticky bit, as in a container', () => {
  compare('main', (o) => o.outputs['context']?.['tmp-mode.txt'], 'drwxrwxrwt\n');
});

test("the image's CMD, ENV and WORKDIR when the task definition gives no command; the image's files are writable, as in a container", () => {
  compare('main', (o) => o.outputs['image-cmd'], { 'cmd.txt': 'hello from /app\n', 'data.txt': 'data\nmore\n' });
});

const whoami = (uid: string, gid: string, home: string) => ({
  'uid.txt': `${uid}\n`, 'gid.txt': `${gid}\n`, 'home.txt': `${home}\n`, 'secret-owner.txt': `400 ${uid}\n`, 'secret.txt': 'tok-9f2e77', 'sub/file.txt': 'written\n',
});

test("an image's named USER runs with the uid, group and home of the image's /etc/passwd, owns its 0400 secret, and writes /output and /shared", () => {
  compare('main', (o) => [o.jobs['named-user']!.status, o.outputs['named-user']], ['SUCCEEDED', whoami('1000', '1000', '/home/app')]);
});

// A uid /etc/passwd does not list has HOME=/ in Docker (and on ECS), the working directory in podman: not compared.
const homeless = (files: Record<string, string> | undefined) => Object.fromEntries(Object.entries(files ?? {}).filter(([f]) => f !== 'home.txt'));

test("the task definition's user overrides the image's USER, by name and group or by uid (as ECS), and writes /output and /shared", () => {
  compare('main', (o) => [o.outputs['user-override'], homeless(o.outputs['uid-override'])], [whoami('2000', '3000', '/home/other'), homeless(whoami('4321', '0', '/'))]);
  compare('main', (o) => o.shared, { 'by-1000.txt': '1000\n', 'by-2000.txt': '2000\n', 'by-4321.txt': '4321\n' });
});

test('a user the image does not know fails the task before it starts, in Docker\'s words', () => {
  const why = 'CannotStartContainerError: unable to find user ghost: no matching entries in passwd file';
  compare('main', (o) => o.jobs['unknown-user'], {
    status: 'FAILED', reason: `task 1: the task failed to start: ${why}`, attempts: [attempt(1, 1, 'FAILED', null, `the task failed to start: ${why}`, 'TaskFailedToStart')],
  });
});

test.run();
