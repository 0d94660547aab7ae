/**
 * Masking secret values in the logs hyperp stores and prints: every declared secret's value,
 * each line of a value that spans lines, and the base64 of the value, become `***`. Output
 * arrives in chunks that may split a value anywhere: the stream holds back what could still be
 * the start of one (up to the last newline, or the longest pattern's length less one).
 */

export const MASK = '***';

/** Past this many bytes without a newline, output is let through all but a possible value's start. */
const HOLD_BYTES = 8192;

/** What to look for, as latin1 strings (one character per byte), longest first. */
export const maskPatterns = (values: Iterable<string>): string[] => {
  const out = new Set<string>();
  for (const value of values) {
    const trimmed = value.replace(/\r?\n$/, '');
    // Lines of a value that spans them: output is read and written by lines.
    for (const line of trimmed.split(/\r?\n/)) if (line.trim() !== '') out.add(line.trim());
    for (const v of new Set([value, trimmed])) if (v.trim() !== '') out.add(Buffer.from(v).toString('base64'));
  }
  return [...out].map((p) => Buffer.from(p).toString('latin1')).sort((a, b) => b.length - a.length);
};

export interface LogMask {
  /** The masked bytes that can be written now. */
  readonly push: (chunk: Buffer) => Buffer;
  /** What was held back, masked: at the end of the stream. */
  readonly end: () => Buffer;
}

const replaceAll = (text: string, patterns: readonly string[]): string => {
  let out = text;
  for (const p of patterns) if (out.includes(p)) out = out.split(p).join(MASK);
  return out;
};

/** A masking stream over `patterns` (from `maskPatterns`); with none, bytes pass as they are. */
export const logMask = (patterns: readonly string[]): LogMask => {
  if (patterns.length === 0) return { push: (c) => c, end: () => Buffer.alloc(0) };
  const longest = Math.max(...patterns.map((p) => p.length));
  let pending = '';
  return {
    push: (chunk) => {
      const masked = replaceAll(pending + chunk.toString('latin1'), patterns);
      // No pattern holds a newline: a value cannot straddle the last one.
      let cut = masked.lastIndexOf('\n') + 1;
      if (masked.length - cut > HOLD_BYTES) cut = masked.length - (longest - 1);
      pending = masked.slice(cut);
      return Buffer.from(masked.slice(0, cut), 'latin1');
    },
    end: () => {
      const rest = replaceAll(pending, patterns);
      pending = '';
      return Buffer.from(rest, 'latin1');
    },
  };
};

/** Masks a whole text at once (a message, a file read back). */
export const maskText = (text: string, patterns: readonly string[]): string =>
  patterns.length === 0 ? text : Buffer.from(replaceAll(Buffer.from(text).toString('latin1'), patterns), 'latin1').toString('utf8');
