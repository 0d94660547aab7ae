/**
 * Environment variables of a task definition's containers, as a process receives them: each
 * is one `NAME=VALUE` string handed to execve(2), so a name cannot be empty, hold `=` (Docker
 * and the kernel's readers split at the first one: "A=B" with value "C" is variable A with value
 * "B=C") or NUL (it ends the string), and neither can a value hold NUL. Docker refuses empty and
 * blank names ("invalid environment variable", moby/moby#25300 and #38449); ECS describes a
 * name as text with a non-blank character (`.*\S.*`, the Security Hub ECS task definition
 * environment shape). Control characters and unpaired surrogates (no UTF-8 form) are refused
 * too: no real name has them, and a local sandbox fails on them at run time (`bwrap: setenv
 * failed`) while they would reach ECS unchanged.
 */
import type { ValidationIssue } from '../workflow/issue.js';
import { issueAt, type FileContext } from '../workflow/rule.js';
import { hasLoneSurrogate } from '../workflow/unicode.js';
import type { TaskDefinition } from './model.js';

/** Why `name` cannot name an environment variable, or undefined. */
export const environmentNameProblem = (name: string): string | undefined => {
  if (name.trim() === '') return name === '' ? 'the name is empty' : 'the name is blank';
  if (name.includes('=')) return 'a name cannot contain "=" (everything after the first "=" would be read as the value)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a name cannot contain a control character (NUL, a newline, …)';
  if (hasLoneSurrogate(name)) return 'the name is not valid Unicode (an unpaired surrogate, such as "\\uD800")';
  return undefined;
};

/** Why `value` cannot be an environment variable's value, or undefined. */
export const environmentValueProblem = (value: string): string | undefined =>
  value.includes('\u0000') ? 'a value cannot contain NUL (it would end the value)'
    : hasLoneSurrogate(value) ? 'the value is not valid Unicode (an unpaired surrogate, such as "\\uD800")'
      : undefined;

export const environmentVariables = (ctx: FileContext & { readonly taskDefinition: TaskDefinition }): ValidationIssue[] =>
  ctx.taskDefinition.containerDefinitions.flatMap((c, k) =>
    (c.environment ?? []).flatMap((v, e) => {
      const name = environmentNameProblem(v.name);
      const value = name === undefined ? environmentValueProblem(v.value) : undefined;
      return [
        ...(name === undefined ? [] : [issueAt(ctx, 'error', 'task-definition-schema', ['containerDefinitions', k, 'environment', e, 'name'],
          `container "${c.name}" sets environment variable ${JSON.stringify(v.name)}: ${name}`)]),
        ...(value === undefined ? [] : [issueAt(ctx, 'error', 'task-definition-schema', ['containerDefinitions', k, 'environment', e, 'value'],
          `container "${c.name}" sets environment variable ${JSON.stringify(v.name)}: ${value}`)]),
      ];
    }));
