import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { heapEmpty, heapPeek, heapPop, heapPush } from '../../src/run/heap.js';
import { dequeue, enqueue, queueEmpty, queueLength, queuePeek } from '../../src/run/queue.js';
import { startedByIndexEmpty, startedByInsert, startedByLookup } from '../../src/run/started-by-index.js';
import { vecEmpty, vecFromArray, vecGet, vecPop, vecPush, vecSet, vecToArray, type Vec } from '../../src/run/vector.js';

const Vector = suite('persistent vector');

type Op = { op: 'push'; x: number } | { op: 'set'; i: number; x: number } | { op: 'pop' };
const ops = fc.array(fc.oneof(
  fc.record({ op: fc.constant('push' as const), x: fc.integer() }),
  fc.record({ op: fc.constant('set' as const), i: fc.nat(3000), x: fc.integer() }),
  fc.record({ op: fc.constant('pop' as const) }),
), { maxLength: 300 });

Vector('behaves like an array under push, set and pop, and never changes an older version', () => {
  fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 2000 }), ops, (start, script: Op[]) => {
    let v: Vec<number> = vecFromArray(start);
    let model = [...start];
    for (const o of script) {
      const before = vecToArray(v);
      const old = v;
      if (o.op === 'push') { v = vecPush(v, o.x); model.push(o.x); }
      else if (o.op === 'pop') { v = vecPop(v); model = model.slice(0, -1); }
      else { v = vecSet(v, o.i, o.x); if (o.i < model.length) model[o.i] = o.x; }
      assert.equal(vecToArray(old), before);
    }
    assert.equal([v.size, vecToArray(v)], [model.length, model]);
    model.forEach((x, i) => assert.is(vecGet(v, i), x));
    assert.is(vecGet(v, model.length), undefined);
  }), { numRuns: 100 });
});

Vector('copies one path per update: a set in a 10,000-element vector shares all other leaves', () => {
  const v = vecFromArray(Array.from({ length: 10_000 }, (_, i) => i));
  const w = vecSet(v, 5000, -1);
  const leaves = (x: Vec<number>): unknown[] => (x.root as unknown[][]).flatMap((n) => n as unknown[]);
  const shared = leaves(v).filter((leaf, i) => leaf === leaves(w)[i]).length;
  assert.equal([leaves(v).length, shared], [313, 312]);
  assert.equal(vecToArray(vecEmpty<number>()), []);
});

const Heap = suite('persistent heap');
Heap('pops in order', () => {
  fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 500 }), (xs) => {
    const order = (a: number, b: number) => a - b;
    let h = heapEmpty<number>();
    for (const x of xs) h = heapPush(h, x, order);
    const out: number[] = [];
    for (let top = heapPeek(h); top !== undefined; top = heapPeek(h)) { out.push(top); h = heapPop(h, order); }
    assert.equal(out, [...xs].sort((a, b) => a - b));
  }), { numRuns: 100 });
});

const Queue = suite('persistent queue');
Queue('first in, first out', () => {
  let q = queueEmpty<string>();
  q = enqueue(enqueue(enqueue(q, 'a'), 'b'), 'c');
  const taken: (string | undefined)[] = [];
  for (let i = 0; i < 4; i++) { taken.push(queuePeek(q)); q = dequeue(q); }
  assert.equal([taken, queueLength(q)], [['a', 'b', 'c', undefined], 0]);
});

const Index = suite('startedBy index');
Index('finds what was inserted, like a Map', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.nat(50)), { maxLength: 300 }), fc.string({ maxLength: 6 }), (pairs, probe) => {
    let ix = startedByIndexEmpty;
    const model = new Map<string, number>();
    for (const [k, n] of pairs) { ix = startedByInsert(ix, k, { kind: 'build', image: n }); model.set(k, n); }
    for (const [k, n] of model) assert.equal(startedByLookup(ix, k), { kind: 'build', image: n });
    assert.is(ix.size, model.size);
    if (!model.has(probe)) assert.is(startedByLookup(ix, probe), undefined);
  }), { numRuns: 100 });
});

Vector.run();
Heap.run();
Queue.run();
Index.run();
