/**
 * Rule `unknown-key`: a key the workflow format does not have is most often a typo that would
 * silently drop a setting (`dependOn` loses the dependency), so it is an error, reported at the
 * key with the closest known key. Runs on the raw parsed value, before decoding.
 */
import { knownKeys } from './model.js';
import { formatPath, type FieldPath, type ValidationIssue } from './issue.js';
import { didYouMean, issueAt, type FileContext } from './rule.js';

type Level = keyof typeof knownKeys;

/** Which level a nested key leads to; lists apply their level to each item. */
const children: Partial<Record<Level, Partial<Record<string, Level>>>> = {
  workflow: { artifacts: 'artifacts', jobs: 'job', triggers: 'triggers', secrets: 'secret', inputs: 'input' },
  artifacts: { shared: 'shared' },
  job: { imageBuildResources: 'imageBuildResources', secrets: 'secret' },
  triggers: { cron: 'cron' },
};

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where each level sits in a workflow file, for "it belongs in …". */
const levelPlace: Record<Level, string> = {
  workflow: 'the top level',
  artifacts: 'artifacts',
  shared: 'each artifacts.shared item',
  job: 'each jobs item',
  imageBuildResources: "jobs[].imageBuildResources (the size of image builds; a task's own size is its task definition's cpu and memory)",
  triggers: 'triggers',
  cron: 'each triggers.cron item',
  secret: 'each secrets item (of the workflow or of a job)',
  input: 'each inputs item',
};

/**
 * Keys other workflow tools use for what hyperp names otherwise (GitHub Actions' `needs`, `on`,
 * a bare `name`): not typos, so edit distance would not find them.
 */
const aliases: Partial<Record<Level, Readonly<Record<string, string>>>> = {
  workflow: { name: 'workflowName', description: 'workflowDescription', on: 'triggers' },
  job: { name: 'jobName', description: 'jobDescription', needs: 'dependsOn', timeout: 'timeoutSeconds', parallelism: 'concurrency' },
};

const alias = (key: string, level: Level): string => {
  const meant = Object.hasOwn(aliases[level] ?? {}, key) ? aliases[level]![key] : undefined;
  return meant === undefined ? '' : `; did you mean "${meant}"?`;
};

/** A key that is misplaced rather than misspelt: known (exactly) at another level. */
const elsewhere = (key: string, here: Level): string => {
  const levels = (Object.keys(knownKeys) as Level[]).filter((l) => l !== here && (knownKeys[l] as readonly string[]).includes(key));
  return levels.length === 0 ? '' : `; "${key}" belongs in ${levels.map((l) => levelPlace[l]).join(' or ')}`;
};

const where = (path: FieldPath): string => (path.length === 0 ? 'the workflow' : formatPath(path));

export const unknownKeys = (ctx: FileContext): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  const visit = (value: unknown, level: Level, path: FieldPath): void => {
    const items = Array.isArray(value) ? value.map((v, k) => [v, [...path, k]] as const) : [[value, path] as const];
    for (const [item, at] of items) {
      if (!isMapping(item)) continue;
      const known: readonly string[] = knownKeys[level];
      for (const [key, child] of Object.entries(item)) {
        if (!known.includes(key)) {
          issues.push(
            issueAt(
              ctx,
              'error',
              'unknown-key',
              [...at, key],
              `unknown key "${key}" in ${where(at)}${alias(key, level) || didYouMean(key, known) || elsewhere(key, level) || `; known keys: ${known.join(', ')}`}`,
              { key: true },
            ),
          );
          continue;
        }
        const next = children[level]?.[key];
        if (next) visit(child, next, [...at, key]);
      }
    }
  };
  visit(ctx.source.value, 'workflow', []);
  return issues;
};
