import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hyperp } from './run-cli.js';

const estimate = (...args: string[]) => hyperp(['cost', 'estimate', ...args]);

test('cost estimate --json prints exactly the documented fields', async () => {
  const r = await estimate('--cpu', '1024', '--memory', '2048', '--seconds', '3600', '--json');
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { usd: 0.04937, billedSeconds: 3600, vcpu: 1, memoryGb: 2, region: 'us-east-1', arch: 'x86_64' });
});

test('one-minute minimum, arm64, extra ephemeral storage, region from --region or HYPERP_PRICE_REGION', async () => {
  const r = await estimate('--cpu', '256', '--memory', '512', '--seconds', '5', '--arch', 'arm64', '--ephemeral-gb', '30', '--region', 'eu-west-1', '--json');
  // 60 s of 0.25 vCPU × $0.03238 + 0.5 GB × $0.00356 + 10 GB × $0.000111 per hour: 134,917 + 29,667 + 18,500 nanodollars.
  assert.equal(JSON.parse(r.stdout), { usd: 0.000183084, billedSeconds: 60, vcpu: 0.25, memoryGb: 0.5, region: 'eu-west-1', arch: 'arm64' });
  const env = await hyperp(['cost', 'estimate', '--cpu', '256', '--memory', '512', '--seconds', '60', '--json'], { env: { HYPERP_PRICE_REGION: 'us-west-2' } });
  assert.is(JSON.parse(env.stdout).region, 'us-west-2');
});

test('--cpu and --memory take the forms a task definition takes: "0.25 vCPU", "2 GB"', async () => {
  const units = await estimate('--cpu', '256', '--memory', '2048', '--seconds', '90', '--json');
  const words = await estimate('--cpu', '0.25 vCPU', '--memory', '2 GB', '--seconds', '90', '--json');
  assert.is(words.code, 0, words.stderr);
  assert.equal(JSON.parse(words.stdout), JSON.parse(units.stdout));
  assert.equal(JSON.parse(words.stdout).vcpu, 0.25);
});

test('ephemeral storage below the included 20 GB or above 200 GB is an error (exit 1)', async () => {
  const low = await estimate('--cpu', '256', '--memory', '512', '--seconds', '60', '--ephemeral-gb', '10');
  assert.equal([low.code, low.stderr], [1, 'error: ephemeral storage of 10 GB is not a whole number of GB from 20 (the included amount) to 200\n']);
  const high = await estimate('--cpu', '256', '--memory', '512', '--seconds', '60', '--ephemeral-gb', '201');
  assert.is(high.code, 1);
});

test('human output names the parts and the price source', async () => {
  const r = await estimate('--cpu', '1024', '--memory', '2048', '--seconds', '3600', '--spot');
  assert.is(r.code, 0);
  assert.equal(r.stdout.split('\n').slice(0, 4), [
    '$0.014811 for 1 vCPU and 2 GB, x86_64 spot in us-east-1, 3600 s billed',
    '  vCPU     $0.012144',
    '  memory   $0.002667',
    '  storage  $0.000000 (0 GB beyond the included 20 GB)',
  ]);
  assert.match(r.stdout, 'aws.amazon.com/fargate/pricing');
});

test('an unknown region or an invalid size is an error (exit 1), never a zero', async () => {
  const region = await estimate('--cpu', '1024', '--memory', '2048', '--seconds', '60', '--region', 'mars-1', '--json');
  assert.equal([region.code, region.stdout, region.stderr], [1, '', 'error: no prices for region "mars-1" (known: eu-west-1, us-east-1, us-east-2, us-west-2)\n']);
  const size = await estimate('--cpu', '1024', '--memory', '1000', '--seconds', '60');
  assert.equal([size.code, size.stderr], [1, 'error: cpu 1024 with memory 1000 MiB is not a valid Fargate size; with --cpu 1024, --memory may be 2048, 3072, 4096, 5120, 6144, 7168, 8192; the cheapest size that covers it is --cpu 1024 --memory 2048\n']);
  const cpu = await estimate('--cpu', '1000', '--memory', '2048', '--seconds', '60');
  assert.equal([cpu.code, cpu.stderr], [1, 'error: cpu 1000 with memory 2048 MiB is not a valid Fargate size; --cpu may be 256, 512, 1024, 2048, 4096, 8192 or 16384; the cheapest size that covers it is --cpu 1024 --memory 2048\n']);
  const huge = await estimate('--cpu', '16384', '--memory', '200000', '--seconds', '60');
  assert.equal([huge.code, huge.stderr], [1, 'error: cpu 16384 with memory 200000 MiB is not a valid Fargate size; with --cpu 16384, --memory may be 32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880; it is larger than the largest size, --cpu 16384 --memory 122880\n']);
  const spotArm = await estimate('--cpu', '1024', '--memory', '2048', '--seconds', '60', '--arch', 'arm64', '--spot');
  assert.equal([spotArm.code, spotArm.stderr], [1, 'error: no spot price for arm64 in us-east-1\n']);
});

test('malformed numbers and options are usage errors (exit 2)', async () => {
  const cpu = await estimate('--cpu', 'one', '--memory', '2048', '--seconds', '60');
  assert.equal([cpu.code, cpu.stderr], [2, 'error: --cpu must be CPU units (1024 = 1 vCPU) or vCPUs with the unit, such as "0.25 vCPU", not "one"\n']);
  const fraction = await estimate('--cpu', '0.25', '--memory', '512', '--seconds', '60');
  assert.equal([fraction.code, fraction.stderr], [2, 'error: --cpu must be CPU units (1024 = 1 vCPU) or vCPUs with the unit, such as "0.25 vCPU", not "0.25"\n']);
  const memory = await estimate('--cpu', '256', '--memory', '512MB', '--seconds', '60');
  assert.equal([memory.code, memory.stderr], [2, 'error: --memory must be MiB (2048) or GB with the unit, such as "2 GB", not "512MB"\n']);
  const storage = await estimate('--cpu', '256', '--memory', '512', '--seconds', '60', '--ephemeral-gb', '20.5');
  assert.equal([storage.code, storage.stderr], [2, 'error: --ephemeral-gb must be a whole number of GB, not "20.5"\n']);
  const seconds = await estimate('--cpu', '256', '--memory', '512', '--seconds', '-5');
  assert.equal([seconds.code, seconds.stderr], [2, 'error: --seconds must be a number of seconds, 0 or more, not "-5"\n']);
  const arch = await estimate('--cpu', '1024', '--memory', '2048', '--seconds', '60', '--arch', 'sparc');
  assert.equal([arch.code, arch.stderr], [2, 'error: --arch must be x86_64 or arm64, not "sparc"\n']);
  const missing = await estimate('--cpu', '1024', '--memory', '2048');
  assert.is(missing.code, 2);
  assert.match(missing.stderr, "required option '--seconds <s>' not specified");
});

test.run();
