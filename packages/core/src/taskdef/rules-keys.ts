/**
 * Rule `task-definition-key`: a key ECS does not take is dropped when the task definition is
 * registered (and ignored by local runs), so a typo (`enviroment`, `comand`) silently loses a
 * setting. A key close to a known one is an error with the key meant; any other unknown key
 * is a warning, since it may be a newer ECS field or one the console's JSON view adds. Runs on
 * the raw parsed value, so a misspelt `containerDefinitions` is named before decoding fails.
 */
import type { FieldPath, ValidationIssue } from '../workflow/issue.js';
import { issueAt, suggestion, type FileContext } from '../workflow/rule.js';
import { containerDefinitionKeys, describedOnlyKeys, hyperpContainerKeys, taskDefinitionKeys } from './ecs-keys.js';

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const containerKeys: readonly string[] = [...containerDefinitionKeys, ...hyperpContainerKeys];

const keyIssues = (ctx: FileContext, value: Record<string, unknown>, at: FieldPath, known: readonly string[], described: readonly string[], where: string): ValidationIssue[] =>
  Object.keys(value).flatMap((key) => {
    if (known.includes(key)) return [];
    if (described.includes(key)) {
      return [issueAt(ctx, 'warning', 'task-definition-key', [...at, key], `"${key}" in ${where} is a field ECS returns when it describes a task definition, not one it registers; it is ignored`, { key: true })];
    }
    const meant = suggestion(key, known);
    return [meant === undefined
      ? issueAt(ctx, 'warning', 'task-definition-key', [...at, key], `unknown key "${key}" in ${where}: ECS does not take it and it is dropped when the task definition is registered`, { key: true })
      : issueAt(ctx, 'error', 'task-definition-key', [...at, key], `unknown key "${key}" in ${where}; did you mean "${meant}"?`, { key: true })];
  });

/** Unknown keys of the task definition and of each of its containers. */
export const unknownTaskDefinitionKeys = (ctx: FileContext): ValidationIssue[] => {
  const root = ctx.source.value;
  if (!isMapping(root)) return [];
  const containers = Array.isArray(root['containerDefinitions']) ? root['containerDefinitions'] : [];
  return [
    ...keyIssues(ctx, root, [], taskDefinitionKeys, describedOnlyKeys, 'the task definition'),
    ...containers.flatMap((c, k) => {
      if (!isMapping(c)) return [];
      const name = typeof c['name'] === 'string' ? `container "${c['name']}"` : `containerDefinitions[${k}]`;
      // A container with neither image source already has its misspelt one named by rule container-image.
      const covered = c['image'] === undefined && c['dockerfilePath'] === undefined ? ['image', 'dockerfilePath'] : [];
      return keyIssues(ctx, c, ['containerDefinitions', k], containerKeys, [], name)
        .filter((i) => !covered.some((key) => i.message.endsWith(`did you mean "${key}"?`)));
    }),
  ];
};
