/**
 * SHA-256 as hex, the one hash hyperp uses for names and image keys. `@noble/hashes` is pure
 * JavaScript, so core stays free of `node:crypto`. Every caller prefixes its input with a
 * purpose tag (`hyperp:job\0…`) so equal inputs for different purposes give unrelated hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/** The first `length` hex digits of the tagged hash of `text`. */
export const taggedHash = (tag: string, text: string, length = 64): string =>
  sha256Hex(`hyperp:${tag}\u0000${text}`).slice(0, length);
