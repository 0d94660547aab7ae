// `pnpm bench calls`: the AWS calls of the calculator's first push, end to end on the AWS
// adapter (the harness of test/e2e.test.ts: DynamoDB Local, s3rver, mocked ECS and Lambda), next
// to the original hyperp's 81 DynamoDB and 21 ECS calls; and the size of each Lambda bundle.
import { bundleAll } from '../scripts/bundle.mjs';
import { runCalculatorEndToEnd } from '../test/support/calculator-e2e.js';
import { startDynamoLocal } from '../test/support/dynamodb-local.js';
import { startS3Local } from '../test/support/s3-local.js';

const ORIGINAL = { dynamodb: 81, ecs: 21 };
/**
 * This bench's figures before the stepper wrote results, listing rows and state in one
 * transaction and kept a warm copy of the state (commit d86e1de). Clean: DynamoDB 81
 * (BatchGetItem 1, GetItem 12 — 5 of them the harness's own reads, since excluded —, PutItem 55,
 * Query 4, TransactWriteItems 4, UpdateItem 5), ECS 21; noisy: DynamoDB 89 (PutItem 63), ECS 19.
 */
const BEFORE = { clean: { dynamodb: 81, ecs: 21 }, noisy: { dynamodb: 89, ecs: 19 } };

const local = await startDynamoLocal();
const s3 = await startS3Local(['hyperp-artifacts-test']);
const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const measure = async (noisy: boolean) => {
  const before = noisy ? BEFORE.noisy : BEFORE.clean;
  const r = await runCalculatorEndToEnd(local, s3, { noisy });
  const calls = {
    dynamodb: { total: sum(r.calls.dynamodb), byCommand: r.calls.dynamodb, before: before.dynamodb, original: ORIGINAL.dynamodb },
    ecs: { total: sum(r.calls.ecs), byCommand: r.calls.ecs, before: before.ecs, original: ORIGINAL.ecs },
    lambda: { total: r.calls.lambda },
    s3: { total: r.calls.s3 },
    sqs: { total: r.wakeupMessages.length },
    github: { total: r.calls.github },
    ecsEventsDelivered: r.ecsEventsDelivered,
  };
  await r.cleanup();
  return calls;
};
try {
  const clean = await measure(false);
  const noisy = await measure(true);
  const sizes = await bundleAll();
  console.log(JSON.stringify({ bench: 'adapters-aws/calls', calculatorFirstPush: { clean, noisy }, bundleBytes: sizes }, null, 2));
  for (const [title, calls] of [
    ['each ECS event delivered once', clean],
    ['ECS events delivered with duplicates and STOPPED before RUNNING', noisy],
  ] as const) {
    console.log(`\nAWS calls for the calculator's first push, ${title} (${calls.ecsEventsDelivered} deliveries)`);
    console.log('service    hyperp  before  original  by command');
    for (const [name, c] of Object.entries(calls)) {
      if (typeof c !== 'object') continue;
      const original = 'original' in c ? String(c.original) : '-';
      const before = 'before' in c ? String(c.before) : '-';
      const detail = 'byCommand' in c ? Object.entries(c.byCommand).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ') : '';
      console.log(`${name.padEnd(10)} ${String(c.total).padStart(6)}  ${before.padStart(6)}  ${original.padStart(8)}  ${detail}`);
    }
  }
  console.log('\nbundle        KiB');
  for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(12)} ${(bytes / 1024).toFixed(0).padStart(5)}`);
} finally {
  await s3.stop();
  await local.stop();
}
