/** `--input name=value`, as given: the values are checked against each workflow's declaration later. */
import { UsageError } from '../context.js';

export const parseInputs = (given: readonly string[] = []): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const g of given) {
    const eq = g.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input takes name=value, not "${g}"`);
    const name = g.slice(0, eq);
    if (Object.hasOwn(out, name)) throw new UsageError(`--input ${name} is given twice`);
    out[name] = g.slice(eq + 1);
  }
  return out;
};
