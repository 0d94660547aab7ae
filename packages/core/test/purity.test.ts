// packages/core must stay pure: no node:*, AWS, Pulumi or octokit imports, no clock, no randomness.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const src = new URL('../src', import.meta.url).pathname;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

const forbidden = [
  /from\s+['"](node:[^'"]+|fs|path|os|crypto|child_process|http|https|net|url|util|stream|events)['"]/,
  /from\s+['"](@aws-sdk|@smithy|@pulumi|@octokit|aws-sdk)[^'"]*['"]/,
  /\bDate\.now\(/,
  /\bnew Date\(\)/,
  /\bMath\.random\(/,
  /\bprocess\./,
  /\brequire\(/,
];

test('core sources import nothing impure', () => {
  const offenders = files(src).flatMap((f) =>
    forbidden.filter((re) => re.test(readFileSync(f, 'utf8'))).map((re) => `${f}: ${re}`),
  );
  assert.equal(offenders, []);
});

test('the purity check can fail', () => {
  assert.ok(forbidden.some((re) => re.test("import { readFileSync } from 'node:fs';")));
  assert.ok(forbidden.some((re) => re.test('const t = Date.now();')));
});

test('core package.json depends on no impure package', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const deps = Object.keys(pkg.dependencies ?? {});
  assert.equal(deps.filter((d) => /^(@aws-sdk|@pulumi|@octokit|@smithy)/.test(d)), []);
});

test.run();
