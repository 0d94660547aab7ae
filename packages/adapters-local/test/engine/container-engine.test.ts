// The docker/podman engine against a stand-in CLI (no daemon needed): the order of its calls and
// how it reads their answers. The same engine against real docker and podman daemons is tested by
// test/adversarial/sandbox-docker.test.ts and sandbox-podman.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { containerEngine } from '../../src/engine/container-engine.js';
import { OUT_OF_MEMORY_REASON, type ContainerLaunch } from '../../src/engine/types.js';
import { tempDir } from '../temp.js';

const limits = { memoryMiB: 512, pids: 4096, tmpMiB: 512 };
const container = (name: string, essential: boolean): ContainerLaunch =>
  ({ name, image: 'abc', essential, environment: {}, stopTimeoutSeconds: 2, binds: [], limits });

/**
 * A stand-in CLI on the PATH that records its calls in calls.log. `create` prints an id; `start
 * -a NAME` runs `$bin/NAME.start` if the test wrote one (else exits 0); `inspect` of a container
 * answers `$bin/NAME.state` (else "exited 0 false"); `ps`/`info` answer nothing.
 */
const fakeCli = (name: 'docker' | 'podman', extra = ''): { bin: string; calls: string } => {
  const bin = tempDir('hyperp-fake-cli-');
  const calls = join(bin, 'calls.log');
  writeFileSync(join(bin, name), `#!/bin/sh
echo "$*" >> ${calls}
last() { for a; do :; done; echo "$a"; }
${extra}
case "$1" in
  build) ls "$6" >> ${calls}; exit 0 ;;
  create) echo "id-$3"; exit 0 ;;
  start) n=$(last "$@"); [ -f ${bin}/$n.start ] && exec sh ${bin}/$n.start; exit 0 ;;
  inspect) n=$(last "$@"); if [ -f ${bin}/$n.state ]; then cat ${bin}/$n.state; else echo "exited 0 false"; fi; exit 0 ;;
  stop) [ -f ${bin}/$4.pid ] || { echo "Error response from daemon: No such container: $4" >&2; exit 1; }
        kill $(cat ${bin}/$4.pid); exit 0 ;;
esac
exit 0
`);
  chmodSync(join(bin, name), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
  return { bin, calls };
};

const nameOf = (attemptKey: string, i: number) => `hyperp-${createHash('sha256').update(attemptKey).digest('hex').slice(0, 24)}-${i}`;

test('the engine drives the CLI: build of the filtered context; create, start attached, inspect, remove; stop of the other containers', async () => {
  // The sidecar runs until stopped; the main container exits at once with 7. A `stop` before the
  // sidecar's client runs fails as the daemon's does ("No such container"), so the engine must
  // stop it again until it is gone.
  const { bin, calls } = fakeCli('docker');
  const side = nameOf('r/j/1/1', 1);
  writeFileSync(join(bin, `${nameOf('r/j/1/1', 0)}.start`), 'echo "main ran"; exit 7\n');
  writeFileSync(join(bin, `${nameOf('r/j/1/1', 0)}.state`), 'exited 7 false\n');
  writeFileSync(join(bin, `${side}.start`), `sleep 0.5; echo $$ > ${bin}/${side}.pid; exec sleep 30\n`);
  writeFileSync(join(bin, `${side}.state`), 'exited 143 false\n');
  const root = tempDir('hyperp-ce-');
  const engine = containerEngine({ cli: 'docker', scratchDir: root });
  const built = await engine.build({
    key: 'abc', dockerfilePath: 'j/Dockerfile', context: 'j', dockerfile: 'FROM x\n', logFile: join(root, 'b.log'),
    files: { files: ['main.py'], read: () => Buffer.from('x'), mode: () => 0o644 },
  });
  assert.equal(built, { _tag: 'Built', imageRef: 'hyperp-local:abc', notes: [], skippedRuns: 0 });
  const exit = await engine.run({
    attemptKey: 'r/j/1/1', network: false, logFile: join(root, 't.log'), memoryMiB: 512,
    containers: [container('main', true), container('side', false)],
  }).done;
  assert.equal(exit.containers, [{ name: 'main', exitCode: 7, reason: null }, { name: 'side', exitCode: 143, reason: 'essential container main exited' }]);
  assert.is(exit.stopCode, 'EssentialContainerExited');
  const log = readFileSync(calls, 'utf8').split('\n');
  const build = log.findIndex((l) => l.startsWith('build '));
  assert.match(log[build]!, /^build -t hyperp-local:abc -f \S+ \S+$/);
  assert.is(log[build + 1], 'main.py');
  const main = nameOf('r/j/1/1', 0);
  const idx = (start: string, from: number) => log.findIndex((l, i) => i > from && l.startsWith(start) && l.includes(main));
  const created = idx('create --name ', -1);
  const started = idx('start -a ', created);
  const inspected = idx('inspect --format {{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}} ', started);
  const removed = idx('rm -f ', inspected);
  assert.ok(created >= 0 && started > created && inspected > started && removed > inspected, log.join('\n'));
  assert.ok(log.some((l) => l === `stop -t 2 ${side}`), log.join('\n'));
  assert.equal(readFileSync(join(root, 't.log'), 'utf8').split('\n').sort(), ['', '[main] main ran']);
});

test('two builds of one image at once (two runs of one command) each keep their context until their build ends', async () => {
  // The first build ends at once; the second reads its context half a second later.
  const { bin } = fakeCli('docker', `if [ "$1" = build ]; then
  d=$(dirname "$0"); if [ -e "$d/first" ]; then sleep 0.5; else : > "$d/first"; fi
  ls "$6" >> "$d/builds.log" 2>&1 || echo "context gone" >> "$d/builds.log"; exit 0
fi`);
  const root = tempDir('hyperp-ce-');
  const engine = containerEngine({ cli: 'docker', scratchDir: root });
  const build = (log: string) => engine.build({
    key: 'same', dockerfilePath: 'j/Dockerfile', context: 'j', dockerfile: 'FROM x\n', logFile: join(root, log),
    files: { files: ['main.py'], read: () => Buffer.from('x'), mode: () => 0o644 },
  });
  const second = (async () => { await new Promise((r) => setTimeout(r, 50)); return build('b2.log'); })();
  assert.equal([(await build('b1.log'))._tag, (await second)._tag], ['Built', 'Built']);
  assert.equal(readFileSync(join(bin, 'builds.log'), 'utf8').split('\n'), ['main.py', 'main.py', '']);
});

test('a container the kernel killed for its memory stops with ECS\'s OutOfMemoryError reason', async () => {
  const { bin } = fakeCli('podman');
  writeFileSync(join(bin, `${nameOf('r/oom/1/1', 0)}.start`), 'exit 137\n');
  writeFileSync(join(bin, `${nameOf('r/oom/1/1', 0)}.state`), 'exited 137 true\n');
  const root = tempDir('hyperp-ce-');
  const exit = await containerEngine({ cli: 'podman', scratchDir: root })
    .run({ attemptKey: 'r/oom/1/1', network: false, logFile: join(root, 't.log'), memoryMiB: 512, containers: [container('main', true)] }).done;
  assert.equal(exit.containers, [{ name: 'main', exitCode: 137, reason: OUT_OF_MEMORY_REASON }]);
});

test('a container that cannot be created fails its task to start, with the engine\'s own words, and nothing is started', async () => {
  const { calls } = fakeCli('docker', `[ "$1" = create ] && { echo "Unable to find image 'hyperp-local:abc' locally" >&2; echo "docker: Error response from daemon: pull access denied for hyperp-local." >&2; exit 125; }`);
  const root = tempDir('hyperp-ce-');
  const exit = await containerEngine({ cli: 'docker', scratchDir: root })
    .run({ attemptKey: 'r/nf/1/1', network: false, logFile: join(root, 't.log'), memoryMiB: 512, containers: [container('main', true)] }).done;
  const reason = 'CannotCreateContainerError: docker create of container main failed: docker: Error response from daemon: pull access denied for hyperp-local.';
  assert.equal(exit.containers, [{ name: 'main', exitCode: null, reason }]);
  assert.equal([exit.stopCode, exit.stoppedReason], ['TaskFailedToStart', reason]);
  assert.not.match(readFileSync(calls, 'utf8'), /^start /m);
});

test('containers are named after their attempt: tasks started together never clash, and one left by a crashed hyperp is removed first', async () => {
  const { bin, calls } = fakeCli('docker', `[ "$1" = create ] && [ -f ${'$0'}.exists-$3 ] && { echo "Conflict. The container name $3 is already in use" >&2; exit 125; }
[ "$1" = rm ] && rm -f ${'$0'}.exists-$3`);
  const root = tempDir('hyperp-ce-');
  const engine = containerEngine({ cli: 'docker', scratchDir: root });
  const task = (attemptKey: string) => engine.run({
    attemptKey, network: false, logFile: join(root, `${attemptKey.replace(/\//g, '_')}.log`), memoryMiB: 512, containers: [container('main', true)],
  }).done;
  // Two attempts whose keys share a long prefix, started in the same millisecond.
  const keys = ['20261122-080000000-abcd/j/1/1', '20261122-080000000-abcd/j/2/1'];
  const names = keys.map((k) => nameOf(k, 0));
  // the first attempt's container is still there from a hyperp that was killed
  writeFileSync(join(bin, `docker.exists-${names[0]}`), '');
  const exits = await Promise.all(keys.map(task));
  assert.equal(exits.map((e) => e.containers), [[{ name: 'main', exitCode: 0, reason: null }], [{ name: 'main', exitCode: 0, reason: null }]]);
  const log = readFileSync(calls, 'utf8').trim().split('\n');
  for (const name of names) {
    const rm = log.indexOf(`rm -f ${name}`);
    const create = log.findIndex((l) => l.startsWith(`create --name ${name} `));
    assert.ok(rm >= 0 && create > rm, log.join('\n'));
  }
});

test('a build that cannot pull its base image says the registry could not be reached, and that the process engine needs none', async () => {
  const pull = 'Step 1/4 : FROM python:3.12-slim\nGet "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.1:53: no such host';
  fakeCli('docker', `[ "$1" = build ] && { printf '%s\\n' '${pull}'; exit 1; }`);
  const root = tempDir('hyperp-ce-');
  const engine = containerEngine({ cli: 'docker', scratchDir: root });
  const request = (logFile: string) => ({
    key: 'abc', dockerfilePath: 'j/Dockerfile', context: 'j', dockerfile: 'FROM python:3.12-slim\n', logFile,
    files: { files: ['main.py'], read: () => Buffer.from('x'), mode: () => 0o644 },
  });
  const offline = await engine.build(request(join(root, 'b.log')));
  assert.equal(offline, {
    _tag: 'BuildFailed',
    reason: `docker build of j/Dockerfile failed (exit 1); see ${join(root, 'b.log')} (the image registry could not be reached to pull the base image; --engine process needs none)`,
  });
  // Any other failure keeps the plain reason.
  fakeCli('docker', `[ "$1" = build ] && { echo 'The command /bin/sh -c pip install returned a non-zero code: 1'; exit 1; }`);
  const other = await containerEngine({ cli: 'docker', scratchDir: root }).build(request(join(root, 'c.log')));
  assert.equal(other, { _tag: 'BuildFailed', reason: `docker build of j/Dockerfile failed (exit 1); see ${join(root, 'c.log')}` });
});

test.run();
