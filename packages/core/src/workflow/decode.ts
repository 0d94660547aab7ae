/**
 * Decoding with io-ts, with failures turned into one readable problem per field: io-ts reports
 * every member of a union and the index of every intersection member; people want "field must
 * be a number, not "two"".
 */
import * as t from 'io-ts';
import type { FieldPath } from './issue.js';

export interface DecodeProblem {
  readonly path: FieldPath;
  /** True when the field is absent (a required key is missing). */
  readonly missing: boolean;
  readonly message: string;
}

export type Decoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problems: DecodeProblem[] };

/** What a codec accepts, in words. Codec names are io-ts's (`number`, `Array<string>`) or ours. */
const expected = (type: t.Decoder<unknown, unknown>): string => {
  // A closed set of strings is worth listing (run states and events use them: `status`, `lastStatus`).
  if (type instanceof t.KeyofType) return `one of ${Object.keys(type.keys as object).join(', ')}`;
  if (type instanceof t.LiteralType) return JSON.stringify(type.value);
  return describeName(type.name);
};

const describeName = (name: string): string => {
  // io-ts names an unnamed union `(string | number)`.
  const union = /^\((.+ \| .+)\)$/.exec(name);
  if (union) return union[1]!.split(' | ').map(describeName).join(' or ');
  if (name === 'number') return 'a number';
  if (name === 'null') return 'empty';
  if (name === 'string') return 'a string';
  if (name === 'boolean') return 'true or false';
  if (name === 'NumberLike') return 'a number or a numeric string';
  if (name === 'UnknownRecord') return 'a mapping';
  if (name === 'SecretRef') return 'a secret name or a mapping with name (and env)';
  if (name === 'InputValue') return 'a string, a number, true or false';
  if (name === 'InputType') return 'one of string, number, boolean, choice';
  if (/^Array<.*>$/.test(name)) return 'a list';
  return 'a mapping';
};

export const describeValue = (v: unknown): string => {
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
};

const isWrapper = (type: unknown): boolean => {
  const tag = (type as { _tag?: string })._tag;
  return tag === 'IntersectionType' || tag === 'UnionType';
};

/**
 * Keeps one problem per field path: the first failure io-ts reports for it, described by the
 * codec at that field (for a union, the union as a whole), and only the deepest problems.
 */
export const decode = <A>(codec: t.Decoder<unknown, A>, value: unknown): Decoded<A> => {
  const result = codec.decode(value);
  if (result._tag === 'Right') return { ok: true, value: result.right };
  const byPath = new Map<string, DecodeProblem>();
  for (const error of result.left) {
    const path: (string | number)[] = [];
    let field = error.context[0];
    for (let k = 1; k < error.context.length; k++) {
      const entry = error.context[k]!;
      if (isWrapper(error.context[k - 1]!.type)) continue; // the member index of a union or intersection
      path.push(/^\d+$/.test(entry.key) && Array.isArray(error.context[k - 1]!.actual) ? Number(entry.key) : entry.key);
      field = entry;
    }
    const key = JSON.stringify(path);
    if (!field || byPath.has(key)) continue;
    const missing = field.actual === undefined;
    const want = expected(field.type);
    const message = missing ? `is required (${want})` : `must be ${want}, not ${describeValue(field.actual)}`;
    byPath.set(key, { path, missing, message });
  }
  // A problem below a field means the value had the shape of one member of the field's union (a
  // list of jobs with one bad job); that member's own problem is the useful one, not "must be
  // a list or empty" from the member it was never meant to be.
  const all = [...byPath.values()];
  const within = (inner: FieldPath, outer: FieldPath): boolean => inner.length > outer.length && outer.every((seg, k) => inner[k] === seg);
  return { ok: false, problems: all.filter((p) => !all.some((q) => within(q.path, p.path))) };
};
