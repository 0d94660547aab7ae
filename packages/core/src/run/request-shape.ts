/**
 * Whether a `RunRequested` has the shape the reducer reads, below its top level as well: an
 * embedder builds requests by hand, and a missing field must end the run with a reason naming
 * the field, not fail inside the reducer and leave the run PENDING.
 */
import { runEventShapeProblem } from './event-shape.js';

type Check = readonly [path: string, kind: 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string|null'];

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && !Number.isFinite(v) ? 'not a number' : typeof v;

const at = (v: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((x, k) => (kindOf(x) === 'object' || kindOf(x) === 'array' ? (x as Record<string, unknown>)[k] : undefined), v);

const first = (v: unknown, prefix: string, checks: readonly Check[]): string | undefined => {
  for (const [path, kind] of checks) {
    const x = at(v, path);
    if (!kind.split('|').includes(kindOf(x))) return `RunRequested: "${prefix}${path}" must be ${kind.replace('|', ' or ')}, not ${x === undefined ? 'missing' : kindOf(x)}`;
  }
  return undefined;
};

const request: readonly Check[] = [
  ['workflow.name', 'string'], ['workflow.jobs', 'array'], ['workflow.failFast', 'boolean'], ['workflow.sharedArtifacts', 'array'],
  ['plan.jobs', 'array'],
  ['settings.render', 'object'], ['settings.render.imageRepository', 'string'], ['settings.priceRegion', 'string'], ['settings.spot', 'boolean'],
  ['settings.artifactsBucket', 'string'], ['settings.statusContext', 'string|null'], ['settings.detailsUrl', 'string|null'],
  ['settings.retryBackoff', 'object'], ['settings.retryBackoff.baseSeconds', 'number'], ['settings.retryBackoff.factor', 'number'],
  ['settings.retryBackoff.maxSeconds', 'number'],
  // launchRate and buildTimeoutSeconds are left out: requests written before them take defaults.
];
const job: readonly Check[] = [
  ['name', 'string'], ['taskDefinition', 'object'], ['taskDefinition.containerDefinitions', 'array'], ['dependsOn', 'array'],
  ['concurrency', 'number'], ['retries', 'number'], ['downloadable', 'boolean'],
];
const planJob: readonly Check[] = [['name', 'string'], ['images', 'array']];
const reused: readonly Check[] = [['job', 'string'], ['runId', 'string']];

/** Why `value` is not a run request the reducer can read, naming the field; undefined when it is one. */
export const runRequestShapeProblem = (value: unknown): string | undefined => {
  const top = runEventShapeProblem(value);
  if (top !== undefined) return top;
  const v = value as Record<string, unknown>;
  if (v['_tag'] !== 'RunRequested') return `not a RunRequested but ${String(v['_tag'])}`;
  const each = (list: unknown, name: string, checks: readonly Check[]): string | undefined => {
    for (const [i, x] of (list as unknown[]).entries()) {
      if (kindOf(x) !== 'object') return `RunRequested: "${name}[${i}]" must be object, not ${kindOf(x)}`;
      const p = first(x, `${name}[${i}].`, checks);
      if (p !== undefined) return p;
    }
    return undefined;
  };
  return first(v, '', request)
    ?? each(at(v, 'workflow.jobs'), 'workflow.jobs', job)
    ?? each(at(v, 'plan.jobs'), 'plan.jobs', planJob)
    ?? each(v['reuse'], 'reuse', reused);
};
