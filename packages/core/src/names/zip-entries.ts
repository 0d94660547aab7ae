/**
 * Zip entry names that every extractor reads as a plain relative path. A job names its files as
 * it likes; a name is stored only after each path part lost what some extractor reads as more
 * than a name: `\` (a separator on Windows), `:` (a drive letter, or an NTFS stream), control
 * characters and bidirectional controls (which make a listing lie). Absolute paths and `..`
 * cannot occur: names come from a directory walk, one part at a time. Both zips use these rules:
 * the local one (adapters-local) and the AWS one (the efs function), so a job's zip has the same
 * names wherever it ran.
 */

/** `\`, `:`, C0 and C1 controls, DEL, and the Unicode bidirectional controls. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\\:\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One path part with each unsafe character replaced by `_`; `.` and `..` become `_` too. */
export const safePart = (name: string): string => {
  const s = name.replace(UNSAFE, '_');
  return s === '' || s === '.' || s === '..' ? '_' : s;
};

/**
 * A text fit for one line of a terminal and for a note: unsafe characters (the ones above, less
 * `\` and `:`) shown as escapes (`\x1b`, `\u202e`, as the CLI's views write them), cut at `max`.
 */
export const printable = (text: string, max = 200): string => {
  const shown = text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
};

/** Names already given in one zip: a second file whose safe name is taken gets `~2`, `~3`… */
export const uniqueNames = () => {
  const taken = new Set<string>();
  return (wanted: string): string => {
    if (!taken.has(wanted)) {
      taken.add(wanted);
      return wanted;
    }
    const slash = wanted.lastIndexOf('/');
    const dot = wanted.lastIndexOf('.');
    const cut = dot > slash + 1 ? dot : wanted.length;
    for (let n = 2; ; n++) {
      const candidate = `${wanted.slice(0, cut)}~${n}${wanted.slice(cut)}`;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  };
};

/**
 * A zip's comment listing what was skipped or renamed (`unzip -z` shows it): ASCII only, to be
 * written as bytes (a zip library would encode a string as CP437, which has no newline), cut to
 * stay far below the format's 64 KiB. Empty when there is nothing to say.
 */
export const zipComment = (notes: readonly string[]): string => {
  if (notes.length === 0) return '';
  const text = ['hyperp:', ...notes].join('\n');
  return (text.length > 8000 ? `${text.slice(0, 8000)}\n...` : text).replace(/[^\x20-\x7e\n]/g, '?');
};
