import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { lockHolder, tryLock, withLock } from '../../src/store/lock.js';
import { tempDir } from '../temp.js';

const tmp = () => tempDir('hyperp-lock-');
const lock = suite('lock');

/** A pid that surely is not running: a child that has already exited. */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());

lock('the first taker acquires; a second sees the owner; release frees it', () => {
  const path = join(tmp(), 'x.lock');
  const a = tryLock(path, 'driver');
  assert.is(a._tag, 'Acquired');
  const b = tryLock(path, 'driver');
  assert.equal(b, { _tag: 'Held', owner: { pid: process.pid, host: hostname(), purpose: 'driver' } });
  if (a._tag === 'Acquired') a.release();
  assert.is(existsSync(path), false);
  assert.is(tryLock(path, 'driver')._tag, 'Acquired');
});

lock('a lock left by a dead process is stale and taken over', () => {
  const path = join(tmp(), 'x.lock');
  const pid = deadPid();
  writeFileSync(path, JSON.stringify({ pid, host: hostname(), purpose: 'driver' }));
  const r = tryLock(path, 'resume');
  assert.is(r._tag, 'Acquired');
  assert.equal(JSON.parse(readFileSync(path, 'utf8')), { pid: process.pid, host: hostname(), purpose: 'resume' });
});

lock('a lock held by a live process on another host is respected', () => {
  const path = join(tmp(), 'x.lock');
  writeFileSync(path, JSON.stringify({ pid: deadPid(), host: 'elsewhere', purpose: 'driver' }));
  assert.is(tryLock(path, 'driver')._tag, 'Held');
});

lock('lockHolder names a live owner only, and leaves the lock as it is', () => {
  const path = join(tmp(), 'x.lock');
  assert.is(lockHolder(path), undefined);
  const a = tryLock(path, 'driver');
  assert.equal(lockHolder(path), { pid: process.pid, host: hostname(), purpose: 'driver' });
  if (a._tag === 'Acquired') a.release();
  const dead = JSON.stringify({ pid: deadPid(), host: hostname(), purpose: 'driver' });
  writeFileSync(path, dead);
  assert.is(lockHolder(path), undefined);
  assert.is(readFileSync(path, 'utf8'), dead);
});

lock('withLock runs critical sections one at a time', async () => {
  const path = join(tmp(), 'x.lock');
  const order: string[] = [];
  const section = (name: string) => withLock(path, 'append', async () => {
    order.push(`${name}+`);
    await new Promise((r) => setTimeout(r, 20));
    order.push(`${name}-`);
  });
  // tryLock is per process; the pid check cannot tell two sections of one process apart, so the
  // file's O_EXCL create is what serialises them.
  await Promise.all([section('a'), section('b')]);
  assert.equal(order.length, 4);
  assert.is(order[0]!.slice(1), '+');
  assert.is(order[1]!.slice(1), '-');
  assert.is(order[0]![0], order[1]![0]);
});

lock.run();
