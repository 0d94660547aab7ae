import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { containerRunArgs } from '../../src/engine/container-engine.js';

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

test.run();
