import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { costChange, pullRequestComment, pullRequestCommentMarker } from '../../src/report/pull-request.js';
import { loadWorkflows } from '../../src/workflow/load.js';
import { memorySnapshot } from '../workflow/fs-snapshot.js';

const P = suite('pull request summary comment');

P('each workflow with its conclusion, cost and change against the base branch, and the total', () => {
  assert.is(pullRequestComment({
    commit: 'abcdef1234567890abcdef1234567890abcdef12', baseBranch: 'main',
    rows: [
      { workflow: 'docs | site', status: 'FAILED', costUsd: 0.0021, baseCostUsd: null, runId: '20261122-080000-aaaaaaaaaa' },
      { workflow: 'calculator', status: 'SUCCEEDED', costUsd: 0.0115, baseCostUsd: 0.01, runId: '20261122-080000-bbbbbbbbbb' },
    ],
  }), [
    pullRequestCommentMarker,
    '### hyperp: 2 workflows at `abcdef123456`',
    '',
    '| workflow | conclusion | cost | vs main | run |',
    '| --- | --- | ---: | ---: | --- |',
    '| calculator | ✅ succeeded | $0.0115 | +$0.001500 (+15%) | `20261122-080000-bbbbbbbbbb` |',
    '| docs \\| site | ❌ failed | $0.002100 | – | `20261122-080000-aaaaaaaaaa` |',
    '| **total** | | **$0.0136** | – | |',
    '',
    'Costs are Fargate\'s for the tasks and image builds of each run; "vs main" compares with the last run of the same workflow on main. This comment is updated as runs end.',
  ].join('\n'));
});

P('a cost change reads as a signed amount and share, or "same"', () => {
  assert.equal([costChange(0.01, 0.01), costChange(0.008, 0.01), costChange(0.5, 0), costChange(1, null)], ['same', '−$0.002000 (−20%)', '+$0.5000', '–']);
});

P('pullRequestComment: false opts a workflow out; validate knows the key and its type', () => {
  const files = (more: string) => memorySnapshot({
    'job/Dockerfile': 'FROM scratch\n',
    'job/taskdef.json': JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile' }] }),
    'hyperp-workflows/w.yaml': `workflowName: wf\n${more}jobs:\n  - jobName: j\n    taskDefinitionPath: job/taskdef.json\n`,
  });
  const off = loadWorkflows(files('pullRequestComment: false\n'));
  assert.equal([off.issues, off.workflows[0]!.pullRequestComment], [[], false]);
  assert.is(loadWorkflows(files('')).workflows[0]!.pullRequestComment, undefined);
  const typo = loadWorkflows(files('pullRequestComent: false\n')).issues.map((i) => [i.line, i.rule, i.message]);
  assert.equal(typo.length, 1);
  assert.match(String(typo[0]![2]), /pullRequestComment/);
  const wrong = loadWorkflows(files('pullRequestComment: "no"\n')).issues.map((i) => [i.line, i.path]);
  assert.equal(wrong, [[2, 'pullRequestComment']]);
});

P.run();
