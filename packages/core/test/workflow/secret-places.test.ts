// Where a workflow file declares its secrets, for checks made outside the loader (validate --remote).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { secretPlaces } from '../../src/workflow/secret-places.js';

const places = suite('secretPlaces');

places('every name of the workflow\'s and each job\'s secrets, at its line and column; env with its own place', () => {
  const text = [
    'workflowName: w',
    'secrets: [a]',
    'jobs:',
    '  - jobName: one',
    '    taskDefinitionPath: td.json',
    '    secrets:',
    '      - b',
    '      - name: c',
    '        env: C_VAR',
    '  - jobName: two',
    '    taskDefinitionPath: td.json',
    '',
  ].join('\n');
  assert.equal(secretPlaces('hyperp-workflows/w.yaml', text), [
    { name: 'a', owner: 'the workflow', file: 'hyperp-workflows/w.yaml', path: 'secrets[0]', line: 2, column: 11 },
    { name: 'b', owner: 'job "one"', file: 'hyperp-workflows/w.yaml', path: 'jobs[0].secrets[0]', line: 7, column: 9 },
    {
      name: 'c', owner: 'job "one"', file: 'hyperp-workflows/w.yaml', path: 'jobs[0].secrets[1].name', line: 8, column: 15,
      env: { name: 'C_VAR', path: 'jobs[0].secrets[1].env', line: 9, column: 14 },
    },
  ]);
});

places('a file that does not parse, or holds no mapping, declares nothing', () => {
  assert.equal(secretPlaces('w.yaml', 'jobs: [\n'), []);
  assert.equal(secretPlaces('w.yaml', '- a\n'), []);
  assert.equal(secretPlaces('w.yaml', 'secrets: 3\njobs: nope\n'), []);
});

places.run();
