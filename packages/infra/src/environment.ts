/**
 * The environment every handler starts with: exactly the variables the adapters' manifest
 * (`packages/adapters-aws/src/contract/environment.json`) lists, which is also the list their
 * one config module reads, so the two sides cannot drift apart. All functions get the same set,
 * so any handler can be moved or merged without a deployment change.
 */
import { readEnvironment, type EnvironmentVariable } from './contract.js';

/** Values by the manifest's `field` names; lists as arrays. */
export type HandlerEnvironmentValues = Readonly<Record<string, string | readonly string[] | undefined>>;

let manifest: readonly EnvironmentVariable[] | undefined;
const variables = (): readonly EnvironmentVariable[] => (manifest ??= readEnvironment());

/**
 * The variables for these values. A required variable without a value, a value the manifest
 * does not know, or an enum outside its values is an error that names it: the deployment would
 * otherwise start functions that fail at cold start.
 */
export const handlerEnvironment = (
  values: HandlerEnvironmentValues,
  spec: readonly EnvironmentVariable[] = variables(),
): Record<string, string> => {
  const known = new Set(spec.map((v) => v.field));
  const unknown = Object.keys(values).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`the handlers read no variable for ${unknown.join(', ')} (packages/adapters-aws/src/contract/environment.json)`);
  const env: Record<string, string> = {};
  for (const v of spec) {
    const value = values[v.field];
    const text = typeof value === 'string' ? value : value?.join(',');
    if (text === undefined || text === '') {
      if (v.required) throw new Error(`the handlers need ${v.name} (${v.meaning}), but no value for "${v.field}" was given`);
      continue;
    }
    if (v.type === 'enum' && !v.values?.includes(text)) throw new Error(`${v.name} must be ${v.values?.join(' or ')}, not ${JSON.stringify(text)}`);
    env[v.name] = text;
  }
  return env;
};
