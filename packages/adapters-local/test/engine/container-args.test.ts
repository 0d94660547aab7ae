import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { containerCreateArgs, USERNS_BASE } from '../../src/engine/container-args.js';
import type { ContainerLaunch } from '../../src/engine/types.js';

const launch: ContainerLaunch = {
  name: 'main', image: 'k', essential: true, entryPoint: ['python3', '-u'], command: ['main.py'], workingDirectory: '/app',
  environment: { TASK_INDEX: '1', TASK_TOTAL_SIZE: '2' }, stopTimeoutSeconds: 5, limits: { memoryMiB: 512, pids: 100, tmpMiB: 256 },
  binds: [{ host: '/h/out', sandbox: '/output', readOnly: false }, { host: '/h/in', sandbox: '/input/a b', readOnly: true }],
};

test('docker: owner labels, no capability, no new privileges, no network, limits without swap, /tmp of its size, inputs read-only, entrypoint split', () => {
  assert.equal(
    containerCreateArgs('hyperp-x', launch, 'hyperp-local:k', { cli: 'docker', network: false, owner: 'h/1/2', attemptKey: 'r/j/1/1', mapUsers: false, groupAdd: 7 }),
    [
      'create', '--name', 'hyperp-x', '--label', 'hyperp.owner=h/1/2', '--label', 'hyperp.attempt=r/j/1/1',
      '--stop-timeout', '5', '--init', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--network', 'none',
      '--group-add', '7', '--memory', '512m', '--memory-swap', '512m', '--pids-limit', '100',
      '--tmpfs', '/tmp:rw,exec,nosuid,nodev,mode=1777,size=256m',
      '--mount', 'type=bind,"source=/h/out","target=/output"', '--mount', 'type=bind,"source=/h/in","target=/input/a b",readonly',
      '--env', 'TASK_INDEX=1', '--env', 'TASK_TOTAL_SIZE=2', '--workdir', '/app', '--entrypoint', 'python3',
      'hyperp-local:k', '-u', 'main.py',
    ],
  );
});

test('rootful podman: its own user namespace, rlimits it may set; the network when asked', () => {
  const args = containerCreateArgs('hyperp-x', launch, 'hyperp-local:k', {
    cli: 'podman', network: true, owner: 'h/1/2', attemptKey: 'a', mapUsers: true, groupAdd: 65535, rlimits: { nofile: 20000, nproc: 50 },
  });
  assert.not.ok(args.includes('--network'));
  const after = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
  assert.equal(after('--uidmap'), [`0:${USERNS_BASE}:65536`]);
  assert.equal(after('--gidmap'), [`0:${USERNS_BASE}:65536`]);
  assert.equal(after('--ulimit'), ['nofile=20000:20000', 'nproc=50:50']);
  assert.equal(after('--group-add'), ['65535']);
  // The folders keep their owner: the share group lets any user of the container write them.
  assert.equal(after('--mount'), ['type=bind,"source=/h/out","target=/output"', 'type=bind,"source=/h/in","target=/input/a b",readonly']);
});

test("the task definition's user is passed as written (it overrides the image's USER, as on ECS); none leaves the image's", () => {
  const o = { cli: 'docker', network: false, owner: 'o', attemptKey: 'a', mapUsers: false, groupAdd: 7 } as const;
  const user = (args: string[]) => args.flatMap((a, i) => (a === '--user' ? [args[i + 1]] : []));
  assert.equal(user(containerCreateArgs('n', { ...launch, user: 'app:staff' }, 'i', o)), ['app:staff']);
  assert.equal(user(containerCreateArgs('n', launch, 'i', o)), []);
});

test('a path with "," or a quote stays one field of --mount (a job named "x,source=/etc" mounts no host folder)', () => {
  const args = containerCreateArgs('n', { ...launch, binds: [{ host: '/h/a,b"c', sandbox: '/input/x,source=/etc', readOnly: true }] }, 'i', {
    cli: 'docker', network: false, owner: 'o', attemptKey: 'a', mapUsers: false, groupAdd: 7,
  });
  assert.ok(args.includes('type=bind,"source=/h/a,b""c","target=/input/x,source=/etc",readonly'), args.join(' '));
});

test.run();
