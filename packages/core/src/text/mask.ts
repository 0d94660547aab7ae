/**
 * Masking secret values in the text hyperp stores, prints, serves and posts: every declared
 * secret's value, each line of a value that spans lines, and the base64 of the value become
 * `***`. Pure string code, shared by the adapters: locally a job's output as it comes (any
 * chunking), on a deployment the events CloudWatch Logs holds (a line may be split across
 * events). The patterns never hold a newline, so a value cannot straddle one.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';

export const MASK = '***';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard padded base64 (RFC 4648 §4) of the UTF-8 bytes of `text`: what `base64` and `btoa` print. */
export const base64OfUtf8 = (text: string): string => {
  const b = utf8ToBytes(text);
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += BASE64[(n >> 18) & 63]! + BASE64[(n >> 12) & 63]!
      + (i + 1 < b.length ? BASE64[(n >> 6) & 63]! : '=') + (i + 2 < b.length ? BASE64[n & 63]! : '=');
  }
  return out;
};

/** What to look for in text, longest first: each value's lines (trimmed) and its base64, with and without a final newline. */
export const maskPatterns = (values: Iterable<string>): string[] => {
  const out = new Set<string>();
  for (const value of values) {
    const trimmed = value.replace(/\r?\n$/, '');
    // Lines of a value that spans them: output is read and written by lines.
    for (const line of trimmed.split(/\r?\n/)) if (line.trim() !== '') out.add(line.trim());
    for (const v of new Set([value, trimmed])) if (v.trim() !== '') out.add(base64OfUtf8(v));
  }
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
};

/** Where `patterns` occur in `text`: sorted `[start, end)` ranges, overlapping ones merged. */
const maskedRanges = (text: string, patterns: readonly string[]): [number, number][] => {
  const found: [number, number][] = [];
  for (const p of patterns) {
    if (p === '') continue;
    for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) found.push([i, i + p.length]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r[0] < last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
};

const masked = (text: string, ranges: readonly (readonly [number, number])[]): string => {
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    out += text.slice(at, start) + MASK;
    at = end;
  }
  return out + text.slice(at);
};

/** Masks a whole text at once (a message, a file read back, a log line). */
export const maskText = (text: string, patterns: readonly string[]): string =>
  patterns.length === 0 ? text : masked(text, maskedRanges(text, patterns));

/**
 * Masks pieces of one text (CloudWatch Logs' events: a long line arrives as several) as if they
 * were joined, each keeping its place: a value split across pieces becomes `***` in the piece it
 * starts in, and the rest of it is dropped from the pieces after. Pieces are joined as they are,
 * so a value whose parts end one line and start the next is masked too: more, never less.
 */
export const maskPieces = (pieces: readonly string[], patterns: readonly string[]): string[] => {
  if (patterns.length === 0) return [...pieces];
  const ranges = maskedRanges(pieces.join(''), patterns);
  let next = 0;
  let offset = 0;
  return pieces.map((piece) => {
    const from = offset;
    const to = (offset += piece.length);
    let out = '';
    let at = from;
    // Ranges are sorted and apart: the ones ending in this piece are not looked at again.
    while (next < ranges.length && ranges[next]![1] <= from) next++;
    for (let i = next; i < ranges.length && ranges[i]![0] < to; i++) {
      const [start, end] = ranges[i]!;
      out += piece.slice(at - from, Math.max(start, from) - from);
      // A value started in an earlier piece: its part here is dropped, the mask is there.
      if (start >= from) out += MASK;
      at = Math.min(end, to);
    }
    return out + piece.slice(at - from);
  });
};

export interface MaskStream {
  /** The masked text that can be given out now. */
  readonly push: (text: string) => string;
  /** What was held back, masked: at the end of the text. */
  readonly end: () => string;
}

/**
 * Masks text that arrives in chunks split anywhere: what could still be the start of a value is
 * held back, up to the last newline, or past `holdChars` without one, the longest pattern's
 * length less one (and never the middle of a value found). What it gives out, joined, is
 * `maskText` of the whole text.
 */
export const maskStream = (patterns: readonly string[], holdChars = 8192): MaskStream => {
  if (patterns.length === 0) return { push: (t) => t, end: () => '' };
  const longest = Math.max(...patterns.map((p) => p.length));
  let pending = '';
  return {
    push: (chunk) => {
      const text = pending + chunk;
      const ranges = maskedRanges(text, patterns);
      let cut = text.lastIndexOf('\n') + 1;
      if (text.length - cut > holdChars) {
        cut = text.length - (longest - 1);
        const split = ranges.find(([start, end]) => start < cut && end > cut);
        if (split) cut = split[0];
      }
      pending = text.slice(cut);
      return masked(text.slice(0, cut), ranges.filter(([, end]) => end <= cut));
    },
    end: () => {
      const rest = maskText(pending, patterns);
      pending = '';
      return rest;
    },
  };
};
