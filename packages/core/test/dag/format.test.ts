import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toDot, toMermaid, toText } from '../../src/dag/format.js';
import type { JobSpec, WorkflowSpec } from '../../src/workflow/spec.js';

const job = (name: string, dependsOn: string[] = [], concurrency = 1): JobSpec => ({
  name,
  dependsOn,
  concurrency,
  retries: 0,
  downloadable: false,
  taskDefinitionPath: 'td.json',
  taskDefinition: { containerDefinitions: [] },
});
const wf = (name: string, jobs: JobSpec[]): WorkflowSpec => ({
  file: `hyperp-workflows/${name}.yaml`,
  name,
  branches: ['**'],
  sharedArtifacts: [],
  failFast: false,
  triggers: { push: true, manual: true, cron: [] },
  jobs,
});

const quoted = wf('say "hi"', [job('a "b"'), job('c\\d', ['a "b"'], 3), job('<b>#quot;', ['a "b"'])]);

test('mermaid puts several workflows in subgraphs and escapes quotes', () => {
  assert.is(
    toMermaid([quoted, wf('one', [job('x')])]),
    [
      'flowchart TD',
      '  subgraph w0["say #quot;hi#quot;"]',
      '    w0j0["a #quot;b#quot;"]',
      '    w0j1["c\\d ×3"]',
      '    w0j2["#lt;b#gt;#35;quot;"]',
      '    w0j0 --> w0j1',
      '    w0j0 --> w0j2',
      '  end',
      '  subgraph w1["one"]',
      '    w1j0["x"]',
      '  end',
      '',
    ].join('\n'),
  );
});

test('dot escapes quotes and backslashes, one digraph per workflow', () => {
  assert.is(
    toDot([quoted]),
    [
      'digraph "say \\"hi\\"" {',
      '  rankdir=TB;',
      '  node [shape=box];',
      '  "a \\"b\\"";',
      '  "c\\\\d" [label="c\\\\d ×3"];',
      '  "<b>#quot;";',
      '  "a \\"b\\"" -> "c\\\\d";',
      '  "a \\"b\\"" -> "<b>#quot;";',
      '}',
      '',
    ].join('\n'),
  );
});

test('text lists levels in order and says when a workflow has one job', () => {
  assert.is(toText([wf('one', [job('x')])]), 'workflow one (hyperp-workflows/one.yaml): 1 job in 1 level\n  level 1\n    "x"\n');
});

test.run();
