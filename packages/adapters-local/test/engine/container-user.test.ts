// How a container's user writes the task's folders: a group of hyperp's, never the job's uid, never
// through a link, never world-writable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_SHARE_GID, shareFolder, shareGroup } from '../../src/engine/container-user.js';
import { USERNS_BASE } from '../../src/engine/container-args.js';
import { tempDir } from '../temp.js';

test('the share group: a gid no host account has (rootful), the containers\' last gid (rootful podman), hyperp\'s own group (not root)', () => {
  assert.equal(shareGroup('docker', 0, 0, false), { container: DOCKER_SHARE_GID, host: DOCKER_SHARE_GID });
  assert.equal(shareGroup('podman', 0, 0, true), { container: 65535, host: USERNS_BASE + 65535 });
  assert.equal(shareGroup('docker', 1000, 1001, false), { container: 1001, host: 1001 });
  assert.equal(shareGroup('podman', 1000, 1001, false), { container: 0, host: 1001 });
});

test('a folder gets the group and mode 2775 (group-writable, entries keep the group, nobody else writes); a link is refused, its target untouched', () => {
  const dir = tempDir('hyperp-share-');
  const out = join(dir, 'output');
  const other = join(dir, 'elsewhere');
  mkdirSync(out, { mode: 0o755 });
  mkdirSync(other, { mode: 0o700 });
  const group = process.getuid?.() === 0 ? 4242 : process.getgid!();
  shareFolder(out, group);
  const st = statSync(out);
  assert.is(st.mode & 0o7777, 0o2775);
  assert.is(st.gid, group);
  symlinkSync(other, join(dir, 'link'));
  assert.throws(() => shareFolder(join(dir, 'link'), group));
  assert.is(lstatSync(other).mode & 0o7777, 0o700);
  assert.is(lstatSync(other).gid, process.getgid!());
});

test.run();
