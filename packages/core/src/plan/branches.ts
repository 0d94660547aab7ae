/**
 * Branch filters with GitHub's pattern syntax ("Filter pattern cheat sheet", workflow syntax
 * for GitHub Actions; read 2026-11-22):
 * - `*` matches zero or more characters but not `/`; `**` matches zero or more of any character;
 * - `?` matches zero or one character (`Octoc?t` matches `Octocat`); like `*` it stops at `/`;
 * - `+` matches one or more of the preceding character;
 * - `[]` matches one character listed or in a range (`a-z`, `A-Z`, `0-9`);
 * - `\` escapes the next character;
 * - `!` first in a pattern negates: patterns apply in order, the last one that matches decides,
 *   and a branch no pattern matches does not trigger.
 */

const escapeRegExp = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The regular expression for one pattern (without its leading `!`). */
export const branchPatternRegExp = (pattern: string): RegExp => {
  let out = '';
  // Whether the last emitted piece may take a `+` (a single character or class, not a quantifier).
  let repeatable = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRegExp(pattern[++i]!);
      repeatable = true;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else {
        out += '[^/]*';
      }
      repeatable = false;
    } else if (c === '?') {
      out += '[^/]?';
      repeatable = false;
    } else if (c === '+') {
      out += repeatable ? '+' : '\\+';
      repeatable = false;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      const body = end < 0 ? '' : pattern.slice(i + 1, end);
      if (end < 0 || !/^([A-Za-z0-9](-[A-Za-z0-9])?)+$/.test(body)) {
        out += '\\[';
        repeatable = true;
      } else {
        out += `[${body}]`;
        i = end;
        repeatable = true;
      }
    } else {
      out += escapeRegExp(c);
      repeatable = true;
    }
  }
  return new RegExp(`^${out}$`, 'u');
};

/** Whether a push to `branch` matches the workflow's `branches` patterns. */
export const branchMatches = (patterns: readonly string[], branch: string): boolean => {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (branchPatternRegExp(negated ? p.slice(1) : p).test(branch)) matched = !negated;
  }
  return matched;
};
