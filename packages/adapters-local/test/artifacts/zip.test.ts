import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zipDirectory } from '../../src/artifacts/zip.js';
import { tempDir } from '../temp.js';
import { readZip } from '../adversarial/zip-read.js';

test('a zip of a folder holds every file at its relative path, and nothing half-written is left', async () => {
  const root = tempDir('hyperp-zip-');
  mkdirSync(join(root, 'out', 'sub dir'), { recursive: true });
  writeFileSync(join(root, 'out', 'a.txt'), 'A');
  writeFileSync(join(root, 'out', 'sub dir', 'b.bin'), Buffer.from([0, 1, 2]));
  const r = await zipDirectory(join(root, 'out'), join(root, 'z', 'artifacts.zip'));
  assert.is(r.bytes, readFileSync(join(root, 'z', 'artifacts.zip')).length);
  assert.equal(r.notes, []);
  const { entries } = await readZip(join(root, 'z', 'artifacts.zip'));
  assert.equal(entries.map((e) => e.name), ['a.txt', 'sub dir/b.bin']);
  assert.is(entries[0]!.content!.toString(), 'A');
  assert.equal([...entries[1]!.content!], [0, 1, 2]);
  assert.equal(readdirSync(join(root, 'z')), ['artifacts.zip']);
});

test.run();
