import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { zipDirectory } from '../../src/artifacts/zip.js';
import { tempDir } from '../temp.js';

test('a zip of a folder holds every file at its relative path, and nothing half-written is left', () => {
  const root = tempDir('hyperp-zip-');
  mkdirSync(join(root, 'out', 'sub dir'), { recursive: true });
  writeFileSync(join(root, 'out', 'a.txt'), 'A');
  writeFileSync(join(root, 'out', 'sub dir', 'b.bin'), Buffer.from([0, 1, 2]));
  const bytes = zipDirectory(join(root, 'out'), join(root, 'z', 'artifacts.zip'));
  const data = readFileSync(join(root, 'z', 'artifacts.zip'));
  assert.is(bytes, data.length);
  const files = unzipSync(data);
  assert.equal(Object.keys(files).sort(), ['a.txt', 'sub dir/b.bin']);
  assert.is(strFromU8(files['a.txt']!), 'A');
  assert.equal([...files['sub dir/b.bin']!], [0, 1, 2]);
  assert.equal(readdirSync(join(root, 'z')), ['artifacts.zip']);
});

test.run();
