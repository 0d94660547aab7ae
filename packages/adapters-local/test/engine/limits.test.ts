// Which cgroups the process engine can use, read from the host's mounts and hyperp's own
// cgroup; here over fake cgroup trees (folders), the real one is used by the adversarial suite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroups, taskCgroups, unenforced } from '../../src/engine/limits.js';
import { tempDir } from '../temp.js';

const mountLine = (point: string, type: string, opts: string) => `40 31 0:30 / ${point} rw,relatime - ${type} ${type} ${opts}`;

test('cgroup v2 with a delegated parent: task cgroups beside hyperp\'s own, with memory, swap, pids and group OOM kill', () => {
  const root = tempDir('hyperp-cg2-');
  const parent = join(root, 'user.slice', 'user@1000.service', 'app.slice');
  mkdirSync(join(parent, 'hyperp.scope'), { recursive: true });
  writeFileSync(join(parent, 'cgroup.controllers'), 'cpu memory pids\n');
  const host = detectCgroups({ mountinfo: mountLine(root, 'cgroup2', 'rw'), selfCgroup: '0::/user.slice/user@1000.service/app.slice/hyperp.scope\n' });
  assert.equal(host, { version: 2, memory: parent, pids: parent, missing: [] });
  assert.is(readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8'), '+memory +pids');
  const cgs = taskCgroups(host, 1024);
  const c = cgs.container(0, { memoryMiB: 300, pids: 64, tmpMiB: 300 });
  const dir = c.procs[0]!.replace(/\/cgroup\.procs$/, '');
  assert.match(dir, new RegExp(`^${parent}/hyperp-${process.pid}-\\d+-\\d+/c0$`));
  assert.equal(c.procs, [join(dir, 'cgroup.procs')]);
  assert.is(readFileSync(join(dir, 'memory.max'), 'utf8'), String(300 * 1024 * 1024));
  assert.is(readFileSync(join(dir, '..', 'memory.max'), 'utf8'), String(1024 * 1024 * 1024));
  assert.is(readFileSync(join(dir, 'memory.swap.max'), 'utf8'), '0');
  assert.is(readFileSync(join(dir, 'memory.oom.group'), 'utf8'), '1');
  assert.is(readFileSync(join(dir, 'pids.max'), 'utf8'), '64');
  assert.is(c.oomKilled(), false);
  writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
  assert.is(c.oomKilled(), true);
  assert.equal(unenforced(host), []);
});

test('cgroup v1 (memory and pids hierarchies): task cgroups under hyperp\'s own, in each hierarchy', () => {
  const root = tempDir('hyperp-cg1-');
  for (const c of ['memory', 'pids']) {
    mkdirSync(join(root, c, 'ci', 'job'), { recursive: true });
  }
  // a real cgroup folder has cgroup.procs from the kernel; here we make it
  for (const c of ['memory', 'pids']) {
    mkdirSync(join(root, c, 'ci', 'job', 'hyperp'), { recursive: true });
    writeFileSync(join(root, c, 'ci', 'job', 'hyperp', 'cgroup.procs'), '');
  }
  const host = detectCgroups({
    mountinfo: [mountLine(join(root, 'memory'), 'cgroup', 'rw,memory'), mountLine(join(root, 'pids'), 'cgroup', 'rw,pids')].join('\n'),
    selfCgroup: '5:pids:/ci/job\n4:memory:/ci/job\n0::/\n',
  });
  assert.equal(host, { version: 1, memory: join(root, 'memory', 'ci', 'job', 'hyperp'), pids: join(root, 'pids', 'ci', 'job', 'hyperp'), missing: [] });
  const c = taskCgroups(host, 512).container(1, { memoryMiB: 512, pids: 100, tmpMiB: 512 });
  assert.is(c.procs.length, 2);
  const mem = c.procs[0]!.replace(/\/cgroup\.procs$/, '');
  assert.is(readFileSync(join(mem, 'memory.limit_in_bytes'), 'utf8'), String(512 * 1024 * 1024));
  assert.is(readFileSync(join(c.procs[1]!.replace(/\/cgroup\.procs$/, ''), 'pids.max'), 'utf8'), '100');
});

test('cgroup v1: task cgroups are made although another hyperp of the same cgroup removed the shared folder as it exited', () => {
  const root = tempDir('hyperp-cg1-gone-');
  for (const c of ['memory', 'pids']) {
    mkdirSync(join(root, c, 'job', 'hyperp'), { recursive: true });
    writeFileSync(join(root, c, 'job', 'hyperp', 'cgroup.procs'), '');
  }
  const host = detectCgroups({
    mountinfo: [mountLine(join(root, 'memory'), 'cgroup', 'rw,memory'), mountLine(join(root, 'pids'), 'cgroup', 'rw,pids')].join('\n'),
    selfCgroup: '5:pids:/job\n4:memory:/job\n0::/\n',
  });
  for (const c of ['memory', 'pids']) rmSync(join(root, c, 'job', 'hyperp'), { recursive: true });
  const c = taskCgroups(host, 512).container(1, { memoryMiB: 512, pids: 100, tmpMiB: 512 });
  assert.is(readFileSync(join(c.procs[0]!.replace(/\/cgroup\.procs$/, ''), 'memory.limit_in_bytes'), 'utf8'), String(512 * 1024 * 1024));
});

test('no usable cgroup: memory and process count are named as not enforced', () => {
  const none = detectCgroups({ mountinfo: '', selfCgroup: '0::/\n' });
  assert.equal(unenforced(none), ['memory (no cgroup v2 mount)', 'process count (no cgroup v2 mount)']);
  const root = tempDir('hyperp-cg2ro-');
  mkdirSync(join(root, 'session.scope'));
  writeFileSync(join(root, 'cgroup.controllers'), 'cpu\n');
  const noControllers = detectCgroups({ mountinfo: mountLine(root, 'cgroup2', 'rw'), selfCgroup: '0::/session.scope\n' });
  assert.equal(noControllers.missing, ['memory', 'pids']);
  assert.not.ok(existsSync(join(root, 'cgroup.subtree_control')));
});

test.run();
