// Environment variable names and values of task definitions that no process can receive are
// validation errors with file, line and field (they passed, then failed at run time with
// `bwrap: setenv failed`).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadWorkflows } from '../../src/workflow/load.js';
import { memorySnapshot } from './fs-snapshot.js';

const issuesFor = (environment: { name: string; value: string }[]) => {
  const td = JSON.stringify({ cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', dockerfilePath: 'job/Dockerfile', environment }] }, null, 2);
  return loadWorkflows(memorySnapshot({
    'hyperp-workflows/w.yaml': 'workflowName: wf\njobs:\n  - jobName: a\n    taskDefinitionPath: job/taskdef.json\n',
    'job/Dockerfile': 'FROM scratch\n',
    'job/taskdef.json': td,
  })).issues.map(({ file, path, line, message, rule }) => ({ file, path, line, message, rule }));
};

const Env = suite('environment variables');

Env('"A=B", "" and blank names are errors at their field', () => {
  assert.equal(issuesFor([{ name: 'OK_1', value: 'x' }, { name: 'A=B', value: 'C' }, { name: '', value: 'x' }, { name: '  ', value: 'x' }]), [
    { file: 'job/taskdef.json', path: 'containerDefinitions[0].environment[1].name', line: 14, rule: 'task-definition-schema', message: 'container "main" sets environment variable "A=B": a name cannot contain "=" (everything after the first "=" would be read as the value)' },
    { file: 'job/taskdef.json', path: 'containerDefinitions[0].environment[2].name', line: 18, rule: 'task-definition-schema', message: 'container "main" sets environment variable "": the name is empty' },
    { file: 'job/taskdef.json', path: 'containerDefinitions[0].environment[3].name', line: 22, rule: 'task-definition-schema', message: 'container "main" sets environment variable "  ": the name is blank' },
  ]);
});

Env('NUL, other control characters and unpaired surrogates are errors; NUL in a value too', () => {
  assert.equal(issuesFor([{ name: 'A\u0000B', value: 'x' }, { name: 'A\nB', value: 'x' }, { name: '\uD800', value: 'x' }, { name: 'V', value: 'a\u0000b' }]).map((i) => [i.path, i.message]), [
    ['containerDefinitions[0].environment[0].name', 'container "main" sets environment variable "A\\u0000B": a name cannot contain a control character (NUL, a newline, …)'],
    ['containerDefinitions[0].environment[1].name', 'container "main" sets environment variable "A\\nB": a name cannot contain a control character (NUL, a newline, …)'],
    ['containerDefinitions[0].environment[2].name', 'container "main" sets environment variable "\\ud800": the name is not valid Unicode (an unpaired surrogate, such as "\\uD800")'],
    ['containerDefinitions[0].environment[3].value', 'container "main" sets environment variable "V": a value cannot contain NUL (it would end the value)'],
  ]);
});

Env('names Docker and ECS take are accepted: lower case, dots, dashes, non-ASCII, an empty value', () => {
  assert.equal(issuesFor([{ name: 'my.var-name', value: '' }, { name: 'ÉTÉ', value: 'x=y' }, { name: '_', value: ' ' }]), []);
});

Env.run();
