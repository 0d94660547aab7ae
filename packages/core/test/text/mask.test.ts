// Masking secret values in text: whatever the chunking of a job's output, or the events a line
// is split into, no value (nor its base64, nor a line of a multi-line value) gets through, and
// everything else passes unchanged.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { base64OfUtf8, maskPatterns, maskPieces, maskStream, maskText } from '../../src/text/mask.js';

const t = suite('secret masking');

t('a value, its base64 and each line of a multi-line value become ***', () => {
  const patterns = maskPatterns(['s3cr€t\n', '-----BEGIN KEY-----\nabcdef\n-----END KEY-----']);
  const text = `pw=s3cr€t b64=${Buffer.from('s3cr€t').toString('base64')} key: abcdef\nok\n`;
  assert.is(maskText(text, patterns), 'pw=*** b64=*** key: ***\nok\n');
  assert.is(maskText('nothing here', []), 'nothing here');
});

t('base64 is the standard padded base64 of the UTF-8 bytes, as base64(1) prints it', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
    assert.is(base64OfUtf8(s), Buffer.from(s, 'utf8').toString('base64'));
  }), { numRuns: 300 });
});

t('a value split across chunks anywhere, even without a newline for long, never gets through', () => {
  const secret = 'hunter2-Äbc';
  const patterns = maskPatterns([secret]);
  fc.assert(fc.property(
    fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.nat({ max: 200 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(),
    (before, after, padding, cuts, newline) => {
      const text = `${before}${'x'.repeat(padding)}${secret}${newline ? '\n' : ''}${after}${secret}`;
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...points].map((p, i, all) => text.slice(p, all[i + 1] ?? text.length));
      // A small hold: long stretches without a newline are the common case here.
      const stream = maskStream(patterns, 16);
      const out = chunks.map((c) => stream.push(c)).join('') + stream.end();
      assert.is(out, maskText(text, patterns));
      assert.not.ok(out.includes(secret));
    },
  ), { numRuns: 500 });
});

t('a line split into pieces anywhere keeps its pieces, the value masked where it starts', () => {
  const secret = 'pa55-wörd';
  const patterns = maskPatterns([secret, 'line one\nline two']);
  assert.equal(maskPieces(['pw=pa5', '5-wö', 'rd ok', 'line two'], patterns), ['pw=***', '', ' ok', '***']);
  fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.array(fc.nat(), { maxLength: 5 }), (before, after, cuts) => {
    const text = `${before}${secret}${after}`;
    const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
    const pieces = [0, ...points].map((p, i, all) => text.slice(p, all[i + 1] ?? text.length));
    const out = maskPieces(pieces, patterns);
    assert.is(out.length, pieces.length);
    assert.is(out.join(''), maskText(text, patterns));
    assert.not.ok(out.some((p) => p.includes('pa55') || p.includes('wörd')));
  }), { numRuns: 500 });
  assert.equal(maskPieces(['a', 'b'], []), ['a', 'b']);
});

t('overlapping and nested values become one ***; adjacent ones stay two', () => {
  const patterns = maskPatterns(['abcdef', 'cdefgh', 'abc']);
  assert.is(maskText('>abcdefgh< >abc< >abcabc<', patterns), '>***< >***< >******<');
});

t.run();
