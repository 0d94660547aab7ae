/** The listed properties of a resource's inputs, for whole-value comparison of what matters. */
export const pick = (o: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

/** A JSON-text property (IAM and bucket policies, event patterns) as data. */
export const json = (v: unknown): unknown => {
  if (typeof v !== 'string') throw new Error(`expected JSON text, got ${typeof v}`);
  return JSON.parse(v);
};
