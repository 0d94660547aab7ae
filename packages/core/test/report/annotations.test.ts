import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { annotationBatches, issueAnnotation, validationCheck } from '../../src/report/annotations.js';
import type { ValidationIssue } from '../../src/workflow/issue.js';

const issue = (file: string, line: number | undefined, message: string, severity: 'error' | 'warning' = 'error'): ValidationIssue => ({
  severity, file, path: 'jobs[0].dependsOn[0]', ...(line !== undefined ? { line, column: 7 } : {}), message, rule: 'schema',
});

const A = suite('validation issues as annotations');

A('an issue is annotated at its file, line and column, errors as failures, warnings as warnings', () => {
  assert.equal(issueAnnotation(issue('hyperp-workflows/a.yaml', 12, 'unknown job "x"')), {
    path: 'hyperp-workflows/a.yaml', start_line: 12, end_line: 12, start_column: 7, end_column: 7,
    annotation_level: 'failure', title: 'schema: jobs[0].dependsOn[0]', message: 'unknown job "x"',
  });
  assert.equal(issueAnnotation(issue('t.json', undefined, 'too large', 'warning')), {
    path: 't.json', start_line: 1, end_line: 1, annotation_level: 'warning', title: 'schema: jobs[0].dependsOn[0]', message: 'too large',
  });
});

A('120 issues go in batches of 50, 50 and 20, sorted by file and line', () => {
  const issues = Array.from({ length: 120 }, (_, i) => issue(`f${i % 2}.yaml`, 120 - i, `m${i}`));
  const batches = annotationBatches(issues);
  assert.equal(batches.map((b) => b.length), [50, 50, 20]);
  const flat = batches.flat();
  assert.equal(flat.slice(0, 2).map((a) => [a.path, a.start_line]), [['f0.yaml', 2], ['f0.yaml', 4]]);
  assert.equal(flat.at(-1)!.path, 'f1.yaml');
});

A('the validation check lists every issue as hyperp validate does, and asks for action', () => {
  const c = validationCheck([issue('hyperp-workflows/a.yaml', 3, 'bad | `x`')], ['calc / j / main: DockerfileMissing z/Dockerfile']);
  assert.equal([c.name, c.conclusion, c.title], ['hyperp/validate', 'action_required', '2 problems in the workflow files']);
  assert.is(c.summary, [
    'hyperp found 2 problems in 1 file; the workflows with errors did not run. `hyperp validate` prints the same list.',
    '',
    '- `hyperp-workflows/a.yaml:3:7` error: bad \\| \\`x\\` (jobs\\[0\\].dependsOn\\[0\\])',
    '- calc / j / main: DockerfileMissing z/Dockerfile',
  ].join('\n'));
});

A.run();
