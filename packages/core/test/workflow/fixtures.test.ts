// fixtures/invalid holds one small repository per validation rule with the exact issues it must
// give; fixtures/calculator must validate cleanly.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflows } from '../../src/workflow/load.js';
import { ruleNames } from '../../src/workflow/issue.js';
import { folderSnapshot } from './fs-snapshot.js';

const fixtures = new URL('../../../../fixtures/', import.meta.url).pathname;
const invalid = join(fixtures, 'invalid');
const cases = readdirSync(invalid).sort();

const rules = suite('fixtures/invalid');

rules('there is one case per rule', () => {
  assert.equal(cases, [...ruleNames].sort());
});

for (const name of cases) {
  rules(`${name} gives exactly its expected issues, all from that rule`, () => {
    const dir = join(invalid, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const got = loadWorkflows(folderSnapshot(dir));
    assert.equal({ workflows: got.workflows.map((w) => w.name), issues: got.issues }, expected);
    assert.ok(got.issues.length > 0);
    assert.equal([...new Set(got.issues.map((i) => i.rule))], [name]);
  });
}

rules.run();

const calculator = suite('fixtures/calculator');

calculator('validates without issues into the four-job pipeline', () => {
  const { workflows, issues } = loadWorkflows(folderSnapshot(join(fixtures, 'calculator')));
  assert.equal(issues, []);
  assert.equal(
    workflows.map((w) => ({
      file: w.file,
      name: w.name,
      branches: w.branches,
      shared: w.sharedArtifacts,
      triggers: w.triggers,
      failFast: w.failFast,
      jobs: w.jobs.map((j) => [j.name, j.dependsOn, j.concurrency, j.downloadable, j.retries, j.imageBuildResources ?? null, j.taskDefinitionPath]),
    })),
    [
      {
        file: 'hyperp-workflows/calculator.yaml',
        name: 'calculator',
        branches: ['main', 'feature/**'],
        shared: ['notes'],
        triggers: { push: true, manual: true, cron: [] },
        failFast: false,
        jobs: [
          ['Generate x', [], 1, false, 0, null, 'generate_x/taskdef.json'],
          ['x * y', ['Generate x'], 2, true, 0, { cpu: 1024, memory: 2048 }, 'multiply/taskdef.json'],
          ['x / z', ['Generate x'], 2, true, 0, { cpu: 1024, memory: 2048 }, 'divide/taskdef.json'],
          ['(x * y) + (x / z)', ['x * y', 'x / z'], 1, false, 0, null, 'add/taskdef.json'],
        ],
      },
    ],
  );
  const td = workflows[0]!.jobs[1]!.taskDefinition;
  assert.equal([td.cpu, td.memory, td.containerDefinitions.map((c) => c.dockerfilePath)], ['256', '512', ['multiply/Dockerfile']]);
});

calculator.run();
