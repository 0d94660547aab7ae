import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { normaliseRepoPath } from '../../src/repo/path.js';
import { imageKey } from '../../src/images/key.js';
import { repoFileProblem } from '../../src/workflow/repo-path.js';
import { memorySnapshot } from '../workflow/fs-snapshot.js';

test('normaliseRepoPath: ./ and // collapse; absolute, .., empty and \\ paths name nothing', () => {
  assert.equal(
    ['./a//b', 'a/./b', 'a/b/', '/abs', 'a/../b', '..', '', '.', 'a\\b'].map(normaliseRepoPath),
    ['a/b', 'a/b', 'a/b', undefined, undefined, undefined, undefined, undefined, undefined],
  );
});

// Validation (repoFileProblem) and image keys once read paths differently: "/x/Dockerfile" was
// refused by validate but keyed by plan. Both now take the same path to the same file.
test('an image is keyed exactly when validation accepts its dockerfilePath, on the same file', () => {
  const snap = memorySnapshot({ 'x/Dockerfile': 'FROM scratch\n', 'x/a\\b': 'odd name', 'x/main.py': 'print(1)\n' });
  const segment = fc.constantFrom('x', '.', '..', '', 'Dockerfile', 'y', 'a\\b');
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).chain((segs) => fc.constantFrom(segs.join('/'), `/${segs.join('/')}`, segs.join('\\')));
  fc.assert(
    fc.property(path, (p) => {
      const valid = repoFileProblem(p, snap.files) === undefined;
      const key = imageKey(snap, p, 'b1');
      assert.is(E.isRight(key), valid, p);
      if (E.isRight(key)) assert.is(key.right.dockerfilePath, normaliseRepoPath(p));
    }),
    { numRuns: 200 },
  );
  assert.ok(E.isLeft(imageKey(snap, '/x/Dockerfile', 'b1')));
  assert.ok(E.isRight(imageKey(snap, './x//Dockerfile', 'b1')));
});

test.run();
