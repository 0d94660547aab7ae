/**
 * The contract `@hyperp/adapters-aws` publishes as data next to its code
 * (`packages/adapters-aws/src/contract/*.json`): what each handler calls in AWS, and the
 * environment variables they read. This package grants and sets exactly that; it reads the
 * files (the design lets infra use the adapters' built artifacts as files, never their code), and
 * the adapters' tests derive the permissions from the bundles, so the two cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTION_NAMES, type FunctionName } from './names.js';

/** Where the contract is when this package sits in the hyperp repository (src/ or dist/ alike). */
export const defaultContractDir = (): string => fileURLToPath(new URL('../../adapters-aws/src/contract', import.meta.url));

/** One need of a handler: these actions on one kind of resource (`iam/resource-kinds.ts` maps kinds to ARNs). */
export interface Permission {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly on: string;
  readonly why: string;
}

export interface PermissionsManifest {
  readonly s3Prefixes: { readonly stateObjects: string; readonly downloads: string; readonly buildContexts: string };
  readonly functions: Readonly<Record<FunctionName, readonly Permission[]>>;
}

const readJson = (dir: string, file: string): unknown => {
  const path = join(dir, file);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the adapters' contract ${path}: ${(e as Error).message}`);
  }
};

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '');

/** Reads and checks `permissions.json`; a malformed file fails with the place that is wrong. */
export const readPermissions = (dir: string = defaultContractDir()): PermissionsManifest => {
  const raw = readJson(dir, 'permissions.json') as { s3Prefixes?: Record<string, unknown>; functions?: Record<string, unknown> };
  const where = `${join(dir, 'permissions.json')}`;
  const prefixes = raw.s3Prefixes ?? {};
  for (const k of ['stateObjects', 'downloads', 'buildContexts']) {
    if (typeof prefixes[k] !== 'string' || !(prefixes[k] as string).endsWith('/')) throw new Error(`${where}: s3Prefixes.${k} must be a prefix ending in "/"`);
  }
  const functions = raw.functions ?? {};
  const names = Object.keys(functions).sort();
  if (JSON.stringify(names) !== JSON.stringify([...FUNCTION_NAMES].sort())) {
    throw new Error(`${where}: functions are ${names.join(', ')}; the platform deploys ${FUNCTION_NAMES.join(', ')}`);
  }
  for (const fn of FUNCTION_NAMES) {
    const list = functions[fn];
    if (!Array.isArray(list)) throw new Error(`${where}: functions.${fn} must be a list`);
    list.forEach((p: Partial<Permission>, i) => {
      if (typeof p.sid !== 'string' || !/^[A-Za-z0-9]+$/.test(p.sid) || !isStrings(p.actions) || typeof p.on !== 'string') {
        throw new Error(`${where}: functions.${fn}[${i}] needs "sid" (letters and digits), "actions" (strings) and "on"`);
      }
    });
  }
  return raw as PermissionsManifest;
};

/** One environment variable of the handlers (`environment.json`). */
export interface EnvironmentVariable {
  readonly name: string;
  /** The key of the values `handlerEnvironment` is given. */
  readonly field: string;
  readonly type: 'string' | 'list' | 'enum';
  readonly required: boolean;
  readonly values?: readonly string[];
  readonly default?: string;
  readonly meaning: string;
}

/** Reads and checks `environment.json`: the variables every handler is started with. */
export const readEnvironment = (dir: string = defaultContractDir()): readonly EnvironmentVariable[] => {
  const where = join(dir, 'environment.json');
  const raw = readJson(dir, 'environment.json') as { variables?: unknown };
  if (!Array.isArray(raw.variables)) throw new Error(`${where}: "variables" must be a list`);
  raw.variables.forEach((v: Partial<EnvironmentVariable>, i) => {
    const ok =
      typeof v.name === 'string' && /^[A-Z][A-Z0-9_]*$/.test(v.name) && typeof v.field === 'string' &&
      (v.type === 'string' || v.type === 'list' || (v.type === 'enum' && isStrings(v.values))) && typeof v.required === 'boolean';
    if (!ok) throw new Error(`${where}: variables[${i}] needs "name" (A-Z, 0-9, _), "field", "type" (string, list, or enum with "values") and "required"`);
  });
  return raw.variables as EnvironmentVariable[];
};
