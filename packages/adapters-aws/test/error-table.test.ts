// docs/operations.md's table of AWS errors against the code that classifies them: every error
// name the adapters classify (failure-class.ts's rules and network codes, the access point
// module's refusals and resolved answers, a build context's HEAD and GitHub's answers, RunTask's
// failures[] reasons) is in the table with its
// class, and every name in the table is one the code classifies. So neither can drift.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsErrorRules, NETWORK_CODES } from '../src/aws/failure-class.js';
import { runTaskFailureClasses } from '../src/ecs/run-task-failures.js';
import { ACCESS_POINT_REFUSALS, ACCESS_POINT_RESOLVED } from '../src/efs/access-points.js';
import { CONTEXT_NOT_PACKED } from '../src/contexts/upload.js';
import { GitHubError } from '../src/github/repo-reader.js';

interface Row {
  readonly names: readonly string[];
  readonly text: string;
  readonly cls: string;
}

/** The rows of the table under "## AWS errors": the names in backticks of the first cell, the class cell. */
const tableRows = (): Row[] => {
  const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## AWS errors'), doc.indexOf('\n## ', doc.indexOf('## AWS errors') + 1));
  return section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| error (')).map((line) => {
    const cells = line.split(' | ');
    const first = cells[0]!.slice(2);
    // Error names and reasons start with a capital (`ThrottlingException`, `ECONNRESET`,
    // `RESOURCE:*`); `clientToken` and `$fault: 'client'` are not errors.
    const names = [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((n) => /^[A-Z][A-Za-z0-9_.]*(:\*)?$/.test(n));
    return { names, text: first, cls: cells[2]! };
  });
};

/** What the code classifies: name → the classes it can get. */
const classified = (): Map<string, Set<string>> => {
  const out = new Map<string, Set<string>>();
  const add = (name: string, cls: string) => out.set(name, (out.get(name) ?? new Set()).add(cls));
  for (const rule of awsErrorRules) for (const name of rule.names) add(name, rule.class);
  for (const code of NETWORK_CODES) add(code, 'retryable');
  for (const name of ACCESS_POINT_REFUSALS) add(name, 'permanent');
  for (const name of ACCESS_POINT_RESOLVED) add(name, 'resolved');
  for (const name of CONTEXT_NOT_PACKED) add(name, 'resolved');
  // GitHub's answers carry their HTTP status, classed like AWS's (`github/repo-reader.ts`).
  const github = new GitHubError('', 500).name;
  add(github, 'retryable');
  add(github, 'permanent');
  return out;
};

const t = suite('the AWS error table of docs/operations.md');

t('every error name the code classifies is in the table with its class', () => {
  const rows = tableRows();
  const missing: string[] = [];
  for (const [name, classes] of classified()) {
    for (const cls of classes) {
      if (!rows.some((r) => r.names.includes(name) && r.cls.includes(cls))) missing.push(`${name} (${cls})`);
    }
  }
  assert.equal(missing, []);
});

t('every RunTask failures[] reason the code classifies is in the table with its class', () => {
  const rows = tableRows();
  const missing = runTaskFailureClasses()
    .filter((e) => !rows.some((r) => r.cls.includes(e.class) && (e.how === 'prefix' ? r.text.includes(`\`${e.match}`) : r.text.includes(`"${e.match}"`))))
    .map((e) => `${e.match} (${e.class})`);
  assert.equal(missing, []);
});

t('every name in the table is one the code classifies', () => {
  const known = classified();
  const reasons = runTaskFailureClasses().map((e) => e.match);
  const unknown = tableRows().flatMap((r) => r.names).filter((n) => !known.has(n) && !reasons.some((m) => n === m || n === `${m}*`));
  assert.equal(unknown, []);
});

t.run();
