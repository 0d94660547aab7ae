/**
 * Run inputs: the parameters a workflow declares (`inputs:`) and a run is given (`hyperp run
 * --input k=v`, the API's manual run, a named cron trigger). Values are checked against the
 * declaration here, in one place, so the CLI, the API and validation say the same thing.
 * Inputs reach jobs as `/run/hyperp/inputs.json` and `HYPERP_INPUT_<NAME>`; they never enter an
 * image key (an image is built from its context alone).
 */
import { didYouMean } from './rule.js';
import type { InputType, InputValue } from './model.js';

/** A run input a workflow declares (`inputs:`), normalised: type, whether required, default, options. */
export interface InputSpec {
  readonly name: string;
  readonly type: InputType;
  /** True when a run must be given a value (a default counts as one). */
  readonly required: boolean;
  readonly default?: InputValue;
  readonly description?: string;
  /** The values a `choice` input takes. */
  readonly options?: readonly string[];
}

/** The inputs of one run, by name, typed. */
export type RunInputs = Readonly<Record<string, InputValue>>;

/** Letters, digits and `_`, not starting with a digit: it becomes part of an environment variable's name. */
export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const INPUT_NAME_MAX = 64;
/** A value's characters, and the JSON of all of a run's inputs: they travel in RunTask overrides (8,192 characters in all). */
export const INPUT_VALUE_MAX = 1024;
export const INPUTS_JSON_MAX = 2048;

/** Why `name` cannot name an input, or undefined. */
export const inputNameProblem = (name: string): string | undefined =>
  name.length > INPUT_NAME_MAX ? `it is ${name.length} characters long; at most ${INPUT_NAME_MAX}`
    : INPUT_NAME.test(name) ? undefined
      : 'use letters, digits and "_", not starting with a digit (it becomes part of an environment variable name)';

/** The environment variable a job reads an input from. */
export const inputEnvName = (name: string): string => `HYPERP_INPUT_${name.toUpperCase()}`;

const describe = (spec: InputSpec): string =>
  spec.type === 'choice' ? `one of ${(spec.options ?? []).map((o) => JSON.stringify(o)).join(', ')}`
    : spec.type === 'number' ? 'a number' : spec.type === 'boolean' ? 'true or false' : 'a string';

/**
 * `raw` as a value of the input, or why it is not one. Text (the command line's `k=v`) is read
 * as the type asks: "3" is a number, "true" a boolean; typed values (YAML, JSON) must match.
 */
export const inputValue = (spec: InputSpec, raw: unknown): { readonly ok: true; readonly value: InputValue } | { readonly ok: false; readonly reason: string } => {
  const bad = { ok: false as const, reason: `input "${spec.name}" must be ${describe(spec)}, not ${JSON.stringify(raw) ?? String(raw)}` };
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return bad;
  if (typeof raw === 'number' && !Number.isFinite(raw)) return bad;
  const text = String(raw);
  if (text.length > INPUT_VALUE_MAX) return { ok: false, reason: `input "${spec.name}" is ${text.length} characters long; at most ${INPUT_VALUE_MAX}` };
  switch (spec.type) {
    case 'string':
      return typeof raw === 'string' ? { ok: true, value: raw } : bad;
    case 'number': {
      if (typeof raw === 'number') return { ok: true, value: raw };
      const n = typeof raw === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : bad;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      return raw === 'true' || raw === 'false' ? { ok: true, value: raw === 'true' } : bad;
    case 'choice':
      return typeof raw !== 'boolean' && (spec.options ?? []).includes(text) ? { ok: true, value: text } : bad;
  }
};

export type ResolvedInputs = { readonly ok: true; readonly inputs: RunInputs } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The inputs of a run: each given value checked, defaults filled in, every required input
 * present, nothing undeclared. An optional input without default and not given is absent.
 */
export const resolveInputs = (declared: readonly InputSpec[], given: Readonly<Record<string, unknown>>): ResolvedInputs => {
  const problems: string[] = [];
  const inputs: Record<string, InputValue> = {};
  const names = declared.map((d) => d.name);
  for (const key of Object.keys(given)) {
    if (names.includes(key)) continue;
    problems.push(declared.length === 0
      ? `the workflow declares no inputs, so it takes no "${key}"`
      : `the workflow declares no input "${key}"; it takes ${names.join(', ')}${didYouMean(key, names)}`);
  }
  for (const spec of declared) {
    const raw = Object.hasOwn(given, spec.name) ? given[spec.name] : spec.default;
    if (raw === undefined) {
      if (spec.required) problems.push(`input "${spec.name}" is required (${describe(spec)})${spec.description ? `: ${spec.description}` : ''}`);
      continue;
    }
    const v = inputValue(spec, raw);
    if (v.ok) inputs[spec.name] = v.value;
    else problems.push(v.reason);
  }
  if (problems.length === 0 && JSON.stringify(inputs).length > INPUTS_JSON_MAX) {
    problems.push(`the inputs take ${JSON.stringify(inputs).length} characters as JSON; a run takes at most ${INPUTS_JSON_MAX}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, inputs };
};

/** The environment a job gets for the run's inputs: `HYPERP_INPUT_<NAME>`, booleans and numbers as JSON writes them. */
export const inputEnvironment = (inputs: RunInputs): readonly { readonly name: string; readonly value: string }[] =>
  Object.entries(inputs).map(([k, v]) => ({ name: inputEnvName(k), value: String(v) }));
