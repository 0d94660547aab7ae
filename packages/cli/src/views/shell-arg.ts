/** A word for a command line shown to be copied into a POSIX shell: quoted unless plainly safe. */
export const shellArg = (s: string): string => (/^[A-Za-z0-9._\/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
