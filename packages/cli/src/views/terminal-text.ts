/**
 * Text from a repository or a job (workflow and job names, reasons, paths, messages that quote
 * them) made safe to print on a terminal: characters that a terminal acts on or that reorder
 * what is shown are written as visible escapes instead. Control characters (C0, DEL, C1: escape
 * sequences can move the cursor, retitle the window or rewrite earlier lines), bidirectional
 * controls (U+202A–U+202E, U+2066–U+2069, LRM, RLM, ALM: "Trojan Source", CVE-2021-42574, makes
 * a name read differently from what it is), line and paragraph separators, and unpaired
 * surrogates (no UTF-8 form: terminals show U+FFFD, hiding that two names differ).
 */

// One alternation: a lone high surrogate, a lone low surrogate, or a character to escape.
const UNSAFE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const UNSAFE_KEEPING_NEWLINES = new RegExp(UNSAFE.source.replace('\\u0000-\\u001F', '\\u0000-\\u0009\\u000B-\\u001F'), 'g');

const escape = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One line of untrusted text: every unsafe character, newlines and tabs too, escaped (`\u202e`, `\x1b`). */
export const terminalSafe = (text: string): string => text.replace(UNSAFE, escape);

/** A message of several lines (hyperp's own line breaks kept); everything else as `terminalSafe`. */
export const terminalSafeLines = (text: string): string => text.replace(UNSAFE_KEEPING_NEWLINES, escape);
