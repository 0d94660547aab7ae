// The process engine's behaviour, with either of its sandboxes: process-engine.test.ts runs it
// with bubblewrap, process-engine-unshare.test.ts with the util-linux sandbox. (The body is not
// indented: the python scripts in it are template literals.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processEngine } from '../../src/engine/process-engine.js';
import type { ContainerLaunch } from '../../src/engine/types.js';
import type { SandboxName } from '../../src/engine/unshare-sandbox.js';
import { tempDir } from '../temp.js';

export const processEngineSuite = (sandbox: SandboxName): void => {

const setup = async (script: string) => {
  const root = tempDir('hyperp-pe-');
  const engine = processEngine({ imagesDir: join(root, 'images'), scratchDir: join(root, 'tmp'), sandbox });
  const built = await engine.build({
    key: 'img1',
    dockerfilePath: 'job/Dockerfile',
    context: 'job',
    dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nRUN pip install nothing\nCMD ["python3", "main.py"]\n',
    files: { files: ['main.py'], read: () => Buffer.from(script), mode: () => 0o644 },
    logFile: join(root, 'build.log'),
  });
  const out = join(root, 'out');
  const input = join(root, 'in');
  const shared = join(root, 'shared');
  for (const d of [out, input, shared]) mkdirSync(d);
  writeFileSync(join(input, 'value.txt'), '41');
  const container = (over: Partial<ContainerLaunch> = {}): ContainerLaunch => ({
    name: 'main', image: 'img1', essential: true, environment: { TASK_INDEX: '2', TASK_TOTAL_SIZE: '3' }, stopTimeoutSeconds: 1,
    limits: { memoryMiB: 512, pids: 4096, tmpMiB: 512 },
    binds: [
      { host: out, sandbox: '/output', readOnly: false },
      { host: input, sandbox: '/input/first job', readOnly: true },
      { host: shared, sandbox: '/shared/s', readOnly: false },
    ],
    ...over,
  });
  return { root, engine, built, out, input, shared, container };
};

const pe = suite(`process engine (${sandbox})`);

/** Waits (bounded) until the task's log holds `line`: the job is running, whatever its sandbox's setup took. */
const logged = async (file: string, line: string): Promise<void> => {
  for (let i = 0; i < 200 && !(existsSync(file) && readFileSync(file, 'utf8').includes(line)); i++) await new Promise((r) => setTimeout(r, 50));
};

pe('a task reads its input, writes its output and shared folder, and sees its index', async () => {
  const s = await setup(`import os
v = int(open('/input/first job/value.txt').read())
open('/output/result.txt', 'w').write(str(v + 1))
open('/shared/s/from-' + os.environ['TASK_INDEX'], 'w').write(os.environ['TASK_TOTAL_SIZE'])
try:
    open('/input/first job/value.txt', 'w').write('changed')
    print('input writable')
except OSError as e:
    print('input read-only', e.errno)
print('cwd', os.getcwd())
`);
  assert.equal({ ...s.built, runtime: undefined }, { _tag: 'Built', imageRef: 'img1', notes: [], skippedRuns: 1, runtime: undefined });
  assert.match(readFileSync(join(s.root, 'build.log'), 'utf8'), 'RUN not executed (the host provides the runtime): pip install nothing');
  const t = s.engine.run({ attemptKey: 'r/j/2/1', memoryMiB: 512, containers: [s.container()], network: false, logFile: join(s.root, 'task.log') });
  const exit = await t.done;
  assert.equal(exit.containers, [{ name: 'main', exitCode: 0, reason: null }]);
  assert.is(exit.stopCode, 'EssentialContainerExited');
  assert.is(readFileSync(join(s.out, 'result.txt'), 'utf8'), '42');
  assert.is(readFileSync(join(s.shared, 'from-2'), 'utf8'), '3');
  assert.is(readFileSync(join(s.input, 'value.txt'), 'utf8'), '41');
  assert.is(readFileSync(join(s.root, 'task.log'), 'utf8'), 'input read-only 30\ncwd /app\n');
});

pe('no network inside the sandbox unless asked', async () => {
  const s = await setup(`import socket
try:
    socket.create_connection(('1.1.1.1', 53), timeout=1)
    print('connected')
except OSError as e:
    print('no network')
`);
  const exit = await s.engine.run({ attemptKey: 'k', memoryMiB: 512, containers: [s.container()], network: false, logFile: join(s.root, 'task.log') }).done;
  assert.equal(exit.containers[0]!.exitCode, 0);
  assert.is(readFileSync(join(s.root, 'task.log'), 'utf8'), 'no network\n');
});

pe('the sandbox has its own network namespace (loopback only) unless asked; asked, it sees the host\'s interfaces', async () => {
  // Unlike a connection attempt, this holds on a machine without internet access too.
  const names = 'import socket\nprint(sorted(n for _, n in socket.if_nameindex()))\n';
  const host = execFileSync('python3', ['-c', names], { encoding: 'utf8' });
  const s = await setup(names);
  const run = async (network: boolean, log: string) => {
    await s.engine.run({ attemptKey: log, memoryMiB: 512, containers: [s.container()], network, logFile: join(s.root, log) }).done;
    return readFileSync(join(s.root, log), 'utf8');
  };
  assert.equal([await run(false, 'off.log'), await run(true, 'on.log')], ["['lo']\n", host]);
  assert.ok(host !== "['lo']\n", 'the host has more than loopback');
});

pe('stop sends SIGTERM first, then SIGKILL after stopTimeout', async () => {
  const s = await setup(`import signal, time, sys
def bye(*_):
    print('got SIGTERM', flush=True)
    sys.exit(3)
signal.signal(signal.SIGTERM, bye)
print('ready', flush=True)
time.sleep(30)
`);
  const t = s.engine.run({ attemptKey: 'k', memoryMiB: 512, containers: [s.container()], network: false, logFile: join(s.root, 'task.log') });
  await logged(join(s.root, 'task.log'), 'ready');
  t.stop('cancelled by user');
  const exit = await t.done;
  assert.equal({ containers: exit.containers, stopCode: exit.stopCode, stoppedReason: exit.stoppedReason }, {
    containers: [{ name: 'main', exitCode: 3, reason: 'cancelled by user' }], stopCode: 'UserInitiated', stoppedReason: 'cancelled by user',
  });
  assert.is(readFileSync(join(s.root, 'task.log'), 'utf8'), 'ready\ngot SIGTERM\n');

  const s2 = await setup(`import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print('stubborn', flush=True)
time.sleep(30)
`);
  const t2 = s2.engine.run({ attemptKey: 'k', memoryMiB: 512, containers: [s2.container()], network: false, logFile: join(s2.root, 'task.log') });
  await logged(join(s2.root, 'task.log'), 'stubborn');
  t2.stop('timeout');
  assert.equal((await t2.done).containers, [{ name: 'main', exitCode: 137, reason: 'timeout' }]);
});

pe('an image missing from the store fails the task to start, with the reason', async () => {
  const s = await setup('print(1)');
  const exit = await s.engine.run({ attemptKey: 'k', memoryMiB: 512, containers: [s.container({ image: 'nope' })], network: false, logFile: join(s.root, 't.log') }).done;
  assert.is(exit.stopCode, 'TaskFailedToStart');
  assert.equal(exit.containers, [{ name: 'main', exitCode: null, reason: 'image nope is not in the local image store; the process engine runs images built from a dockerfilePath (use --engine docker for registry images)' }]);
});

pe('when the essential container exits, the other containers of the task are stopped', async () => {
  const s = await setup(`import os, sys, time, signal
if os.environ.get('ROLE') == 'sidecar':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print('sidecar up', flush=True)
    time.sleep(30)
else:
    time.sleep(0.3)
    print('main done', flush=True)
`);
  const exit = await s.engine.run({
    attemptKey: 'k', memoryMiB: 512, network: false, logFile: join(s.root, 'task.log'),
    containers: [
      s.container(),
      s.container({ name: 'sidecar', essential: false, environment: { ROLE: 'sidecar' } }),
    ],
  }).done;
  assert.equal([exit.stopCode, exit.containers], ['EssentialContainerExited', [
    { name: 'main', exitCode: 0, reason: null },
    { name: 'sidecar', exitCode: 0, reason: 'essential container main exited' },
  ]]);
  assert.equal(readFileSync(join(s.root, 'task.log'), 'utf8').split('\n').filter((l) => l !== '').sort(), ['[main] main done', '[sidecar] sidecar up']);
});

pe('image files at any path: WORKDIR /usr/src/app, programs in /usr/local/bin and /usr/bin run beside the host\'s, which stay read-only', async () => {
  const s = await setup('');
  const files: Record<string, [string, number]> = {
    'main.py': ['import os\nopen("/output/cwd", "w").write(os.getcwd())\n', 0o644],
    'entrypoint.sh': ['#!/bin/sh\nset -e\npython3 main.py\nhelper.sh\nls /usr/local/bin/entrypoint.sh /usr/src/app/main.py\n', 0o755],
    // /usr/bin holds many programs: the host's are reached through links, and python3 still finds its library
    'helper.sh': ['#!/bin/sh\n[ -w /usr/bin/python3 ] && echo "python3=writable" || echo "python3=read-only"\npython3 -c "import json; print(json.dumps(\'helper\'))"\n', 0o755],
  };
  const built = await s.engine.build({
    key: 'img-usr', dockerfilePath: 'job/Dockerfile', context: 'job',
    dockerfile: 'FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY main.py entrypoint.sh ./\nCOPY entrypoint.sh /usr/local/bin/\nCOPY helper.sh /usr/bin/\nCMD ["entrypoint.sh"]\n',
    files: { files: Object.keys(files), read: (p) => Buffer.from(files[p]![0]), mode: (p) => files[p]![1] },
    logFile: join(s.root, 'build-usr.log'),
  });
  assert.is(built._tag, 'Built');
  const exit = await s.engine.run({ attemptKey: 'k', memoryMiB: 512, containers: [s.container({ image: 'img-usr' })], network: false, logFile: join(s.root, 'usr.log') }).done;
  const log = readFileSync(join(s.root, 'usr.log'), 'utf8');
  assert.equal(exit.containers, [{ name: 'main', exitCode: 0, reason: null }], log);
  assert.is(readFileSync(join(s.out, 'cwd'), 'utf8'), '/usr/src/app');
  assert.is(log, 'python3=read-only\n"helper"\n/usr/local/bin/entrypoint.sh\n/usr/src/app/main.py\n');
});

pe('USER is honoured (numeric, named from the host\'s /etc/passwd, named from the image\'s own), the job still writes /output and /shared and reads /input; an unknown user fails the build', async () => {
  const s = await setup('');
  const script = 'echo "$(id -u) $(id -g) $HOME $(cat "/input/first job/value.txt")" > "/output/id-$TAG" && touch "/shared/s/$TAG"';
  const build = (key: string, user: string, files: Record<string, string> = {}) => s.engine.build({
    key, dockerfilePath: 'job/Dockerfile', context: 'job',
    dockerfile: `FROM debian:12\n${Object.keys(files).map((f) => `COPY ${f} /etc/${f}\n`).join('')}${user}CMD ["sh", "-c", ${JSON.stringify(script)}]\n`,
    files: { files: Object.keys(files), read: (p) => Buffer.from(files[p]!), mode: () => 0o644 },
    logFile: join(s.root, `${key}.log`),
  });
  const images = {
    root: await build('u-root', ''),
    numeric: await build('u-1000', 'USER 1000\n'),
    nobody: await build('u-nobody', 'USER nobody\n'),
    own: await build('u-own', 'USER app:crew\n', { passwd: 'root:x:0:0::/root:/bin/sh\napp:x:4321:4321::/srv/app:/bin/sh\n', group: 'crew:x:777:\n' }),
  };
  assert.equal(Object.values(images).map((b) => b._tag), ['Built', 'Built', 'Built', 'Built']);
  await Promise.all(Object.keys(images).map((tag) => s.engine.run({
    attemptKey: tag, memoryMiB: 512, network: false, logFile: join(s.root, `${tag}.task.log`),
    containers: [s.container({ image: `u-${{ root: 'root', numeric: '1000', nobody: 'nobody', own: 'own' }[tag]}`, environment: { TAG: tag } })],
  }).done));
  // As the host's /etc/passwd lists them (a uid it does not list runs with gid 0 and HOME /).
  const host = (field: 0 | 2, value: string, otherwise: string) => {
    const e = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[field] === value);
    return e ? `${e[2]} ${e[3]} ${e[5]}` : otherwise;
  };
  assert.equal(Object.keys(images).map((tag) => readFileSync(join(s.out, `id-${tag}`), 'utf8')), [
    '0 0 /root 41\n', `${host(2, '1000', '1000 0 /')} 41\n`, `${host(0, 'nobody', '?')} 41\n`, '4321 777 /srv/app 41\n',
  ]);
  assert.equal(readdirSync(s.shared).sort(), ['nobody', 'numeric', 'own', 'root']);
  const ghost = await build('u-ghost', 'USER ghost:staff\n');
  assert.equal(ghost, { _tag: 'BuildFailed', reason: 'job/Dockerfile: line 2: USER ghost:staff: no user "ghost" in the host\'s /etc/passwd (the image has none)' });
});

pe.run();
};
