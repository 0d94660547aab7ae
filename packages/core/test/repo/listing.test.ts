import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fileAt, filesUnder } from '../../src/repo/listing.js';
import type { RepoFile } from '../../src/repo/snapshot.js';

const f = (path: string): RepoFile => ({ path, blob: `blob-${path}` });
const listing = ['a-b/x', 'a/Dockerfile', 'a/b/c', 'a/z', 'a0', 'ab/y', 'b'].map(f);

const it = suite('repo listing');

it('filesUnder gives exactly the files under a folder, not those of a sibling with the same prefix', () => {
  assert.equal(filesUnder(listing, 'a/').map((x) => x.path), ['a/Dockerfile', 'a/b/c', 'a/z']);
  assert.equal(filesUnder(listing, 'a/b/').map((x) => x.path), ['a/b/c']);
  assert.equal([filesUnder(listing, 'c/'), filesUnder(listing, '').length], [[], listing.length]);
});

it('fileAt finds a path and only that path', () => {
  assert.equal([fileAt(listing, 'a/z'), fileAt(listing, 'a'), fileAt(listing, 'zz'), fileAt([], 'a')], [f('a/z'), undefined, undefined, undefined]);
});

it('agrees with a scan on any listing, sorted or not', () => {
  const segment = fc.constantFrom('a', 'b', 'a-b', 'a0', 'Dockerfile', 'é', '😀');
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  fc.assert(fc.property(fc.uniqueArray(path, { maxLength: 30 }), path, (paths, probe) => {
    const files = paths.map(f);
    const prefix = `${probe}/`;
    const scan = files.filter((x) => x.path.startsWith(prefix)).sort((x, y) => (x.path < y.path ? -1 : 1));
    assert.equal(filesUnder(files, prefix), scan);
    assert.equal(fileAt(files, probe), files.find((x) => x.path === probe));
  }), { numRuns: 200 });
});

it.run();
