// docs/architecture.md against the reducer: its tables list every event and command there is
// (and no other), each command answered by the events `commandResults` names, and its state
// diagrams use every job and run status.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { commandResults } from '../../src/run/commands.js';

const doc = readFileSync(new URL('../../../../docs/architecture.md', import.meta.url), 'utf8');
const source = (file: string) => readFileSync(new URL(`../../src/run/${file}`, import.meta.url), 'utf8');

/** First-column cells of the Markdown table after `heading`, each split into its backticked names. */
const tableRows = (heading: string): string[][] => {
  const lines = doc.slice(doc.indexOf(`\n${heading}\n`)).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows;
};
const names = (cell: string): string[] => [...cell.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!);

/** The `_tag`s of a union, from the source that declares its members. */
const tagsIn = (file: string): string[] => [...source(file).matchAll(/readonly _tag: '([A-Za-z]+)'/g)].map((m) => m[1]!).sort();

test('the events table lists every event, and only events', () => {
  assert.equal(tableRows('## Events').flatMap((r) => names(r[0]!)).sort(), tagsIn('events.ts'));
});

test('the commands table lists every command, each answered by the events the code says', () => {
  const rows = tableRows('## Commands');
  const events = tagsIn('events.ts');
  assert.equal(rows.flatMap((r) => names(r[0]!)).sort(), tagsIn('commands.ts'));
  assert.equal(Object.keys(commandResults).sort(), tagsIn('commands.ts'));
  // `ImageBuild*` in the table stands for every event of that prefix
  const answered = (cell: string): string[] =>
    [...cell.matchAll(/`([A-Za-z]+)(\*?)`/g)].flatMap((m) => (m[2] === '*' ? events.filter((e) => e.startsWith(m[1]!)) : events.filter((e) => e === m[1])));
  for (const [cell, , answers] of rows) {
    for (const command of names(cell!)) {
      const said = [...new Set(answered(answers!))].sort();
      assert.equal(said, [...commandResults[command as keyof typeof commandResults]].sort(), `answers of ${command}`);
    }
  }
});

test('the state diagrams use every job status and every run status', () => {
  const diagrams = [...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const statesOf = (d: string) => [...new Set([...d.matchAll(/\b([A-Z]{4,})\b/g)].map((m) => m[1]!))].sort();
  const union = (file: string, type: string) => {
    const m = new RegExp(`export type ${type} =([^;]+);`).exec(source(file));
    return [...m![1]!.matchAll(/'([A-Z]+)'/g)].map((x) => x[1]!).sort();
  };
  assert.equal(statesOf(diagrams[0]!), union('state.ts', 'JobStatus'));
  assert.equal(statesOf(diagrams[1]!), union('state.ts', 'RunStatus'));
});

test.run();
