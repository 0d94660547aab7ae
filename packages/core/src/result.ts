/**
 * The one shape of an expected failure in hyperp's public API: a function that can fail for a
 * reason the caller should handle returns a `Result`, never throws, and says on failure every
 * reason it found, each a plain data object (`issues`). fp-ts is an internal detail: a consumer
 * needs no library to read a `Result`.
 */

/**
 * What every issue of a failed `Result` carries: one line for a person. Issues also say where
 * (a file and line, a field path) when there is a where, and a `_tag` or `rule` to match on.
 */
export interface Issue {
  readonly message: string;
}

/**
 * The outcome of an operation that can fail in an expected way: `ok: true` with its `value`, or
 * `ok: false` with one or more `issues` saying what is wrong and where.
 */
export type Result<T, I extends Issue = Issue> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly I[] };

/** A successful `Result`. */
export const success = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });

/** A failed `Result` with at least one issue. */
export const failure = <I>(...issues: readonly [I, ...I[]]): { readonly ok: false; readonly issues: readonly I[] } => ({ ok: false, issues });

/** A failed `Result` from a list of issues the caller knows is not empty. */
export const failureOf = <I>(issues: readonly I[]): { readonly ok: false; readonly issues: readonly I[] } => ({ ok: false, issues });
