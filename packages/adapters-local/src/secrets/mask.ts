/**
 * Masking secret values in the task logs hyperp stores and prints (`@hyperp/core`'s masking,
 * shared with the AWS adapter): a job's output arrives as bytes in chunks that may split a value
 * anywhere, even inside a character, so the stream masks the bytes as latin1 text (one character
 * per byte) with the patterns' UTF-8 bytes, and passes everything else as it came.
 */
import { maskStream } from '@hyperp/core/internal';

export { MASK, maskPatterns, maskText } from '@hyperp/core/internal';

export interface LogMask {
  /** The masked bytes that can be written now. */
  readonly push: (chunk: Buffer) => Buffer;
  /** What was held back, masked: at the end of the stream. */
  readonly end: () => Buffer;
}

/** A masking stream over `patterns` (from `maskPatterns`); with none, bytes pass as they are. */
export const logMask = (patterns: readonly string[]): LogMask => {
  if (patterns.length === 0) return { push: (c) => c, end: () => Buffer.alloc(0) };
  const stream = maskStream(patterns.map((p) => Buffer.from(p).toString('latin1')));
  return {
    push: (chunk) => Buffer.from(stream.push(chunk.toString('latin1')), 'latin1'),
    end: () => Buffer.from(stream.end(), 'latin1'),
  };
};
