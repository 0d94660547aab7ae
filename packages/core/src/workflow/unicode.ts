/**
 * Text checks for names that become paths and keys: a name must have a UTF-8 form (to name a
 * file, to be hashed the same everywhere, to be URI-encoded) and fit a file name's bytes.
 */

/**
 * Whether a string holds half of a surrogate pair (YAML's "\uD800"): such a string has no UTF-8
 * form, so it can name no file, and URI-encoding it (attempt keys, artifact paths) throws.
 */
export const hasLoneSurrogate = (s: string): boolean => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** Bytes of the UTF-8 form of a well-formed string. */
export const utf8Length = (s: string): number => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, '.').length;
