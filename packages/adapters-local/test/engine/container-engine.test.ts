import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { containerEngine, containerRunArgs } from '../../src/engine/container-engine.js';
import { tempDir } from '../temp.js';

const limits = { memoryMiB: 512, pids: 4096, tmpMiB: 512 };

test('docker/podman run arguments: mounts (inputs read-only), env, no network, entrypoint split', () => {
  assert.equal(
    containerRunArgs('hyperp-x', {
      name: 'main', image: 'k', essential: true, entryPoint: ['python3', '-u'], command: ['main.py'], workingDirectory: '/app',
      environment: { TASK_INDEX: '1', TASK_TOTAL_SIZE: '2' }, stopTimeoutSeconds: 5, limits: { memoryMiB: 512, pids: 4096, tmpMiB: 512 },
      binds: [{ host: '/h/out', sandbox: '/output', readOnly: false }, { host: '/h/in', sandbox: '/input/a b', readOnly: true }],
    }, 'hyperp-local:k', false),
    [
      'run', '--rm', '--name', 'hyperp-x', '--stop-timeout', '5', '--network', 'none',
      '--mount', 'type=bind,source=/h/out,target=/output', '--mount', 'type=bind,source=/h/in,target=/input/a b,readonly',
      '--env', 'TASK_INDEX=1', '--env', 'TASK_TOTAL_SIZE=2', '--workdir', '/app', '--entrypoint', 'python3',
      'hyperp-local:k', '-u', 'main.py',
    ],
  );
});

test('the engine drives the docker CLI: build of the filtered context, run, stop of the other containers', async () => {
  // A stand-in `docker` on the PATH that records its calls (no daemon runs here). The sidecar's
  // container takes a moment to exist, and the main container exits at once: a `stop` before the
  // container exists fails as the daemon's does ("No such container"), so the engine must stop it
  // again until it is gone.
  const bin = tempDir('hyperp-fake-docker-');
  const calls = join(bin, 'calls.log');
  writeFileSync(join(bin, 'docker'), `#!/bin/sh
echo "$*" >> ${calls}
case "$1" in
  build) ls "$6" >> ${calls}; exit 0 ;;
  run) case "$4" in *-1) sleep 0.5; echo $$ > ${bin}/$4.pid; exec sleep 30 ;; *) echo "main ran"; exit 7 ;; esac ;;
  stop) [ -f ${bin}/$4.pid ] || { echo "Error response from daemon: No such container: $4" >&2; exit 1; }
        kill $(cat ${bin}/$4.pid); exit 0 ;;
esac
`);
  chmodSync(join(bin, 'docker'), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
  const root = tempDir('hyperp-ce-');
  const engine = containerEngine({ cli: 'docker', scratchDir: root });
  const built = await engine.build({
    key: 'abc', dockerfilePath: 'j/Dockerfile', context: 'j', dockerfile: 'FROM x\n', logFile: join(root, 'b.log'),
    files: { files: ['main.py'], read: () => Buffer.from('x'), mode: () => 0o644 },
  });
  assert.equal(built, { _tag: 'Built', imageRef: 'hyperp-local:abc', notes: [], skippedRuns: 0 });
  const exit = await engine.run({
    attemptKey: 'r/j/1/1', memoryMiB: 512, network: false, logFile: join(root, 't.log'),
    containers: [
      { name: 'main', image: 'abc', essential: true, environment: {}, stopTimeoutSeconds: 2, binds: [], limits },
      { name: 'side', image: 'abc', essential: false, environment: {}, stopTimeoutSeconds: 2, binds: [], limits },
    ],
  }).done;
  // the sidecar was stopped through `docker stop` (here: SIGTERM to the stand-in)
  assert.equal(exit.containers, [{ name: 'main', exitCode: 7, reason: null }, { name: 'side', exitCode: 143, reason: 'essential container main exited' }]);
  assert.is(exit.stopCode, 'EssentialContainerExited');
  const log = readFileSync(calls, 'utf8').split('\n');
  assert.match(log[0]!, /^build -t hyperp-local:abc -f \S+ \S+$/);
  assert.is(log[1], 'main.py');
  assert.ok(log.some((l) => /^run --rm --name hyperp-[0-9a-f]{24}-0 --stop-timeout 2 --network none hyperp-local:abc$/.test(l)));
  assert.ok(log.some((l) => /^stop -t 2 hyperp-[0-9a-f]{24}-1$/.test(l)), log.join('\n'));
  assert.is(readFileSync(join(root, 't.log'), 'utf8'), 'main ran\n');
});

test('containers are named after their attempt: tasks started together never clash, and one left by a crashed hyperp is removed first', async () => {
  const bin = tempDir('hyperp-fake-docker-');
  const calls = join(bin, 'calls.log');
  writeFileSync(join(bin, 'docker'), `#!/bin/sh
echo "$*" >> ${calls}
case "$1" in
  run) [ -f ${bin}/$4.exists ] && { echo "Conflict. The container name $4 is already in use" >&2; exit 125; }; exit 0 ;;
  rm) rm -f ${bin}/$3.exists; exit 0 ;;
esac
`);
  chmodSync(join(bin, 'docker'), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
  const root = tempDir('hyperp-ce-');
  const engine = containerEngine({ cli: 'docker', scratchDir: root });
  const task = (attemptKey: string) => engine.run({
    attemptKey, memoryMiB: 512, network: false, logFile: join(root, `${attemptKey.replace(/\//g, '_')}.log`),
    containers: [{ name: 'main', image: 'abc', essential: true, environment: {}, stopTimeoutSeconds: 2, binds: [], limits }],
  }).done;
  // Two attempts whose keys share a long prefix, started in the same millisecond.
  const keys = ['20261122-080000000-abcd/j/1/1', '20261122-080000000-abcd/j/2/1'];
  const names = keys.map((k) => `hyperp-${createHash('sha256').update(k).digest('hex').slice(0, 24)}-0`);
  // the first attempt's container is still there from a hyperp that was killed
  writeFileSync(join(bin, `${names[0]}.exists`), '');
  const exits = await Promise.all(keys.map(task));
  assert.equal(exits.map((e) => e.containers), [[{ name: 'main', exitCode: 0, reason: null }], [{ name: 'main', exitCode: 0, reason: null }]]);
  const log = readFileSync(calls, 'utf8').trim().split('\n');
  for (const name of names) {
    const rm = log.indexOf(`rm -f ${name}`);
    const run = log.findIndex((l) => l.startsWith(`run --rm --name ${name} `));
    assert.ok(rm >= 0 && run > rm, log.join('\n'));
  }
});

test.run();
