/**
 * Markdown as GitHub renders it (GitHub Flavored Markdown spec 0.29, read 2026-12), for text that
 * comes from a repository and is hostile: job names, reasons and log lines. A table cell keeps
 * its row whatever it holds; a log stays inside its code block whatever backticks it prints.
 */

/** Inline text: Markdown punctuation and HTML are shown as written, line breaks become spaces. */
export const mdText = (s: string): string =>
  s.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+!|<>~&]/g, (c) => `\\${c}`);

/** A table cell: inline text whose `|` cannot end the cell (GFM escapes it inside cells, code spans too). */
export const mdCell = (s: string): string => mdText(s);

/** A fenced code block longer than any backtick run inside it, so the text cannot close it. */
export const mdFence = (lines: readonly string[]): string => {
  const body = lines.join('\n');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${body}\n${fence}`;
};

/** Dollars as views show them: six places under a cent, four above. */
export const mdUsd = (x: number): string => `$${x > 0 && x < 0.01 ? x.toFixed(6) : x.toFixed(4)}`;

/** `42s`, `3m 05s`, `1h 02m`: a duration a person reads at a glance. */
export const mdDuration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

/** Text cut to `max` characters, with a line saying so: GitHub refuses longer fields outright. */
export const clipText = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const note = '\n\n…(cut: GitHub takes at most 65,535 characters here)';
  return `${text.slice(0, Math.max(0, max - note.length))}${note}`;
};
