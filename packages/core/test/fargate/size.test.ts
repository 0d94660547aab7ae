import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fargateGrid, fargateSizes } from '../../src/fargate/grid.js';
import {
  cheapestFargateSize,
  fargateMemoryChoices,
  formatFargateSize,
  isValidFargateSize,
  parseCpuUnits,
  parseMemoryMiB,
} from '../../src/fargate/size.js';

const grid = suite('fargate grid');

grid('matches the ECS table row by row', () => {
  const GB = (...g: number[]) => g.map((x) => x * 1024);
  const steps = (from: number, to: number, by: number) => {
    const out: number[] = [];
    for (let g = from; g <= to; g += by) out.push(g * 1024);
    return out;
  };
  assert.equal(
    fargateGrid.map((r) => [r.cpu, r.memory]),
    [
      [256, [512, ...GB(1, 2)]],
      [512, GB(1, 2, 3, 4)],
      [1024, GB(2, 3, 4, 5, 6, 7, 8)],
      [2048, steps(4, 16, 1)],
      [4096, steps(8, 30, 1)],
      [8192, steps(16, 60, 4)],
      [16384, steps(32, 120, 8)],
    ],
  );
  assert.is(fargateSizes.length, 3 + 4 + 7 + 13 + 23 + 12 + 12);
  assert.equal(fargateGrid.filter((r) => r.windows).map((r) => r.cpu), [1024, 2048, 4096]);
});

grid.run();

const valid = suite('isValidFargateSize');

valid('accepts table sizes and rejects near misses', () => {
  assert.ok(isValidFargateSize(256, 512));
  assert.ok(isValidFargateSize(8192, 61440));
  assert.ok(isValidFargateSize(16384, 122880));
  assert.not.ok(isValidFargateSize(256, 4096));
  assert.not.ok(isValidFargateSize(8192, 18432)); // 18 GB: 8 vCPU steps by 4 GB
  assert.not.ok(isValidFargateSize(1000, 2048));
  assert.not.ok(isValidFargateSize(16384, 131072));
  assert.equal(fargateMemoryChoices(512), [1024, 2048, 3072, 4096]);
  assert.equal(fargateMemoryChoices(300), []);
});

valid.run();

const cheapest = suite('cheapestFargateSize');

cheapest('an exact size is its own cheapest size', () => {
  for (const s of fargateSizes) {
    assert.equal(cheapestFargateSize(s), s, formatFargateSize(s));
  }
});

cheapest('rounds a request up to the cheapest covering size', () => {
  assert.equal(cheapestFargateSize({}), { cpu: 256, memory: 512 });
  assert.equal(cheapestFargateSize({ cpu: 300, memory: 600 }), { cpu: 512, memory: 1024 });
  assert.equal(cheapestFargateSize({ cpu: 256, memory: 3000 }), { cpu: 512, memory: 3072 });
  assert.equal(cheapestFargateSize({ memory: 5000 }), { cpu: 1024, memory: 5120 });
  assert.equal(cheapestFargateSize({ cpu: 2048, memory: 17000 }), { cpu: 4096, memory: 17408 });
  assert.equal(cheapestFargateSize({ cpu: 4097 }), { cpu: 8192, memory: 16384 });
  assert.equal(cheapestFargateSize({ memory: 31000 }), { cpu: 8192, memory: 32768 });
  assert.equal(cheapestFargateSize({ cpu: 8192, memory: 62000 }), { cpu: 16384, memory: 65536 });
});

cheapest('has no answer beyond 16 vCPU or 120 GB', () => {
  assert.is(cheapestFargateSize({ cpu: 16385 }), undefined);
  assert.is(cheapestFargateSize({ memory: 122881 }), undefined);
  assert.is(cheapestFargateSize({ cpu: 20000, memory: 1 }), undefined);
});

cheapest('different rates may pick a different size', () => {
  // With memory free, more memory on the same cpu costs nothing extra and the smallest cpu wins.
  assert.equal(cheapestFargateSize({ memory: 2048 }, { perVcpuHour: 1, perGbHour: 0 }), { cpu: 256, memory: 2048 });
  // With cpu free, the least memory wins even with more cpu.
  assert.equal(cheapestFargateSize({ memory: 2048, cpu: 300 }, { perVcpuHour: 0, perGbHour: 1 }), { cpu: 512, memory: 2048 });
});

cheapest('always covers the request, is valid, and nothing valid and covering is cheaper', () => {
  const cost = (s: { cpu: number; memory: number }) => s.cpu * 0.04048 + s.memory * 0.004445;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 17000 }), fc.integer({ min: 1, max: 130000 }), (cpu, memory) => {
      const got = cheapestFargateSize({ cpu, memory });
      const covering = fargateSizes.filter((s) => s.cpu >= cpu && s.memory >= memory);
      if (covering.length === 0) return assert.is(got, undefined);
      assert.ok(got && isValidFargateSize(got.cpu, got.memory));
      assert.ok(got.cpu >= cpu && got.memory >= memory);
      assert.is(Math.min(...covering.map(cost)), cost(got));
    }),
    { numRuns: 200 },
  );
});

cheapest.run();

const parse = suite('task definition cpu and memory values');

parse('reads units, vCPU and GB the way ECS converts them', () => {
  assert.equal(
    [1024, '1024', '1 vCPU', '0.25 vcpu', '2vCPU', ' 512 ', '1.5', 'one', '0', '-256', '0.1 vCPU'].map(parseCpuUnits),
    [1024, 1024, 1024, 256, 2048, 512, undefined, undefined, undefined, undefined, undefined],
  );
  assert.equal(
    [2048, '2048', '2 GB', '0.5GB', '3 gb', '1.5 MiB', 'lots', 0].map(parseMemoryMiB),
    [2048, 2048, 2048, 512, 3072, undefined, undefined, undefined],
  );
  assert.is(formatFargateSize({ cpu: 256, memory: 512 }), '0.25 vCPU / 512 MiB');
  assert.is(formatFargateSize({ cpu: 16384, memory: 122880 }), '16 vCPU / 120 GB');
});

parse.run();
