import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { branchMatches, branchPatternRegExp } from '../../src/plan/branches.js';

const t = suite('branch patterns (GitHub filter syntax)');

const cases: [string[], string, boolean][] = [
  [['main'], 'main', true],
  [['main'], 'main2', false],
  [['feature/*'], 'feature/login', true],
  [['feature/*'], 'feature/a/b', false], // * stops at /
  [['feature/**'], 'feature/a/b', true], // ** does not
  [['**'], 'any/deep/branch', true],
  [['*'], 'a/b', false],
  [['*feature'], 'mona-feature', true],
  [['v2*'], 'v2.0', true],
  [['Octoc?t'], 'Octocat', true], // ? is zero or one character
  [['Octoc?t'], 'Octoct', true],
  [['Octoc?t'], 'Octocaat', false],
  [['Octoc?t'], 'Octoc/t', false],
  [['release/v[0-9].[0-9]'], 'release/v1.2', true],
  [['release/v[0-9].[0-9]'], 'release/v1.x', false],
  [['[CB]at'], 'Cat', true],
  [['[CB]at'], 'Rat', false],
  [['v[12]+'], 'v1211', true], // + repeats the preceding character or class
  [['ab+c'], 'abbbc', true],
  [['ab+c'], 'ac', false],
  [['**', '!main'], 'main', false], // ! negates earlier matches
  [['**', '!main'], 'dev', true],
  [['releases/**', '!releases/**-alpha'], 'releases/beta/3-alpha', false],
  [['releases/**', '!releases/**-alpha'], 'releases/10', true],
  [['**', '!release/*', 'release/keep'], 'release/keep', true], // a later positive re-includes
  [['!main'], 'dev', false], // negatives alone match nothing
  [['a.b'], 'axb', false], // . is literal
  [['fix\\*'], 'fix*', true], // \ escapes
  [['fix\\*'], 'fixed', false],
  [['[unclosed'], '[unclosed', true],
  [[], 'main', false],
];

for (const [patterns, branch, expected] of cases) {
  t(`${JSON.stringify(patterns)} ${expected ? 'matches' : 'does not match'} ${branch}`, () => {
    assert.is(branchMatches(patterns, branch), expected);
  });
}

t('a pattern without special characters matches exactly itself', () => {
  fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9._/-]{1,30}$/), fc.stringMatching(/^[A-Za-z0-9._/-]{1,30}$/), (p, b) => {
    assert.is(branchMatches([p], b), p === b);
  }), { numRuns: 200 });
});

t('every pattern compiles', () => {
  fc.assert(fc.property(fc.string({ maxLength: 30 }), (p) => {
    assert.instance(branchPatternRegExp(p), RegExp);
  }), { numRuns: 200 });
});

t.run();
