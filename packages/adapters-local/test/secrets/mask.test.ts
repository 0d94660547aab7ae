// Masking secret values in a job's output as bytes: whatever the chunking (even inside a
// character), no value reaches the log, and everything else passes unchanged. What is masked
// (base64, lines of a multi-line value) is core's, tested there (core/test/text/mask.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { logMask, maskPatterns, maskText } from '../../src/secrets/mask.js';

const t = suite('log mask');

const through = (patterns: readonly string[], chunks: readonly Buffer[]): string => {
  const m = logMask(patterns);
  return Buffer.concat([...chunks.map((c) => m.push(c)), m.end()]).toString('utf8');
};

t('a value split across byte chunks anywhere, even without a newline for long, never reaches the output', () => {
  const secret = 'hunter2-Äbc';
  const patterns = maskPatterns([secret]);
  fc.assert(fc.property(
    fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.nat({ max: 20000 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(),
    (before, after, padding, cuts, newline) => {
      const text = `${before}${'x'.repeat(padding)}${secret}${newline ? '\n' : ''}${after}`;
      const bytes = Buffer.from(text);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...points].map((p, i, all) => bytes.subarray(p, all[i + 1] ?? bytes.length));
      const out = through(patterns, chunks);
      assert.is(out, maskText(text, patterns));
      assert.not.ok(out.includes(secret));
    },
  ), { numRuns: 300 });
});

t('without patterns, bytes pass as they come', () => {
  const m = logMask([]);
  const b = Buffer.from([0xff, 0x00, 0x41]);
  assert.is(m.push(b), b);
});

t.run();
