// Reading an image's /etc/passwd out of `cp <container>:/etc/passwd -`: a tar stream the image's
// author shapes (a link, a folder, a huge file), read only as far as needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { pack, type Header } from 'tar-stream';
import { firstFileOfTar } from '../../src/engine/image-accounts.js';

/** A tar stream of `entries` (a header and, for a file, its content), as `cp … -` writes it. */
const tarOf = (entries: readonly [Partial<Header> & { name: string }, string?][]): NodeJS.ReadableStream => {
  const p = pack();
  for (const [h, body] of entries) p.entry(h, body ?? '');
  p.finalize();
  const out = new PassThrough();
  p.pipe(out);
  return out;
};

test('a regular file: its text', async () => {
  assert.equal(await firstFileOfTar(tarOf([[{ name: 'passwd' }, 'app:x:1000:1000::/home/app:/bin/sh\n']]), 1024), { text: 'app:x:1000:1000::/home/app:/bin/sh\n' });
});

test('a link or a folder in its place is no file (nothing is followed)', async () => {
  assert.equal(await firstFileOfTar(tarOf([[{ name: 'passwd', type: 'symlink', linkname: '/proc/self/environ' }]]), 1024), {});
  assert.equal(await firstFileOfTar(tarOf([[{ name: 'passwd', type: 'directory' }], [{ name: 'passwd/x' }, 'x:x:1:1\n']]), 1024), {});
});

test('a file over the limit is refused, unread', async () => {
  assert.equal(await firstFileOfTar(tarOf([[{ name: 'passwd' }, 'x'.repeat(2000)]]), 1024), { error: 'is larger than 1024 bytes' });
});

test('no archive at all (the file is not in the image): no file; a broken archive: an error', async () => {
  const empty = new PassThrough();
  empty.end();
  assert.equal(await firstFileOfTar(empty, 1024), {});
  const broken = new PassThrough();
  broken.end(Buffer.alloc(512, 7));
  const r = await firstFileOfTar(broken, 1024);
  assert.ok('error' in r, JSON.stringify(r));
});

test.run();
