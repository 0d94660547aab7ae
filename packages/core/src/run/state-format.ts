/**
 * The run state's format version and the rule for reading a stored state of another version.
 *
 * Rule: a state carries `formatVersion`. This version of `@hyperp/core` reads a state of its own
 * format or of any older one, upgrading it step by step (each step a pure function from one
 * format to the next); it refuses a state of a newer format with an issue saying so, since
 * folding it would drop what it does not know. A state stored before the field existed is
 * format 0. A change that an older reducer would misread bumps the version and adds a step.
 */
import { failure, success, type Result } from '../result.js';
import type { DecodeIssue } from './codecs.js';

/** The format of the run states this version of `@hyperp/core` writes. */
export const STATE_FORMAT_VERSION = 1;

/** Format n → n + 1, at index n. */
const steps: readonly ((s: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>)[] = [
  // 0 → 1: the version field itself; every other field of a format-0 state reads as it is
  // (fields added later, such as `commandRetries`, are optional).
  (s) => ({ ...s, formatVersion: 1 }),
];

/**
 * Brings a stored state (parsed JSON) to `STATE_FORMAT_VERSION`: older formats are upgraded, a
 * newer format is refused with an issue on `formatVersion`. Only the version is checked here;
 * `decodeRunState` upgrades and checks the shape.
 */
export const upgradeRunState = (value: unknown): Result<Readonly<Record<string, unknown>>, DecodeIssue> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure({ field: '', message: `a run state is a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}` });
  }
  const s = value as Readonly<Record<string, unknown>>;
  const given = s['formatVersion'];
  const version = given === undefined ? 0 : given;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return failure({ field: 'formatVersion', message: `formatVersion must be a whole number, not ${JSON.stringify(given)}` });
  }
  if (version > STATE_FORMAT_VERSION) {
    return failure({
      field: 'formatVersion',
      message: `the state is of format ${version}, newer than format ${STATE_FORMAT_VERSION} that this @hyperp/core reads; read it with the version that wrote it or a later one`,
    });
  }
  return success(steps.slice(version).reduce((x, step) => step(x), s));
};
