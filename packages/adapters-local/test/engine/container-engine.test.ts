import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerEngine, containerRunArgs } from '../../src/engine/container-engine.js';
import { tempDir } from '../temp.js';

test('docker/podman run arguments: mounts (inputs read-only), env, no network, entrypoint split', () => {
  assert.equal(
    containerRunArgs('hyperp-x', {
      name: 'main', image: 'k', essential: true, entryPoint: ['python3', '-u'], command: ['main.py'], workingDirectory: '/app',
      environment: { TASK_INDEX: '1', TASK_TOTAL_SIZE: '2' }, stopTimeoutSeconds: 5,
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
  run) case "$4" in *-1-*) sleep 0.5; echo $$ > ${bin}/$4.pid; exec sleep 30 ;; *) echo "main ran"; exit 7 ;; esac ;;
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
    attemptKey: 'r/j/1/1', network: false, logFile: join(root, 't.log'),
    containers: [
      { name: 'main', image: 'abc', essential: true, environment: {}, stopTimeoutSeconds: 2, binds: [] },
      { name: 'side', image: 'abc', essential: false, environment: {}, stopTimeoutSeconds: 2, binds: [] },
    ],
  }).done;
  // the sidecar was stopped through `docker stop` (here: SIGTERM to the stand-in)
  assert.equal(exit.containers, [{ name: 'main', exitCode: 7, reason: null }, { name: 'side', exitCode: 143, reason: 'essential container main exited' }]);
  assert.is(exit.stopCode, 'EssentialContainerExited');
  const log = readFileSync(calls, 'utf8').split('\n');
  assert.match(log[0]!, /^build -t hyperp-local:abc -f \S+ \S+$/);
  assert.is(log[1], 'main.py');
  assert.ok(log.some((l) => /^run --rm --name hyperp-\S+-0-\d+ --stop-timeout 2 --network none hyperp-local:abc$/.test(l)));
  assert.ok(log.some((l) => /^stop -t 2 hyperp-\S+-1-\d+$/.test(l)), log.join('\n'));
  assert.is(readFileSync(join(root, 't.log'), 'utf8'), 'main ran\n');
});

test.run();
