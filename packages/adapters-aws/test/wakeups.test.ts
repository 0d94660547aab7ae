// Wake-ups on time: ScheduleWakeup → a delayed SQS message (exact inputs) → a Tick in the run's
// log (DynamoDB Local) that the stream brings to the stepper.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { delaySeconds, wakeupQueue } from '../src/aws/wakeup-queue.js';
import { wakeupHandler } from '../src/handlers/wakeups.js';
import { foldedByWriter, wakeEventId } from '../src/run/event-ids.js';
import { dynamoStore } from '../src/store/store.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/hyperp-wakeups';
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'us-east-1' });
let local: LocalDynamo;

const w = suite('wake-ups');
w.before(async () => {
  local = await startDynamoLocal();
});
w.before.each(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm' });
});
w.after(async () => {
  sqsMock.restore();
  await local.stop();
});

const sent = () => sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);

w('a wake-up beyond the in-process wait is a message delayed to the second, never early; a near one sends nothing', async () => {
  const wake = wakeupQueue({ sqs, queueUrl: QUEUE, inlineWaitMs: 20_000, now: () => T0 });
  await wake('r1', T0 + 20_000);
  await wake('r1', T0 + 95_300);
  await wake('r2', T0 + 3_600_000);
  assert.equal(sent(), [
    { QueueUrl: QUEUE, MessageBody: JSON.stringify({ runId: 'r1', at: T0 + 95_300 }), DelaySeconds: 96 },
    // SQS delays at most 15 minutes; the receiver sends the rest of the wait on.
    { QueueUrl: QUEUE, MessageBody: JSON.stringify({ runId: 'r2', at: T0 + 3_600_000 }), DelaySeconds: 900 },
  ]);
  assert.equal([delaySeconds(T0 - 5, T0), delaySeconds(T0 + 1, T0), delaySeconds(T0 + 1000, T0)], [0, 1, 1]);
});

const message = (id: string, body: unknown): SQSEvent['Records'][number] =>
  ({ messageId: id, body: typeof body === 'string' ? body : JSON.stringify(body), eventSource: 'aws:sqs' }) as SQSEvent['Records'][number];

w('a due message becomes one Tick in the run\'s log however often it comes; an early one is sent on for the rest', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const logs: string[] = [];
  let now = T0 + 95_800;
  const handle = wakeupHandler({ events: store.events, sqs, queueUrl: QUEUE, now: () => now, log: (m) => void logs.push(m) });
  const due = message('m1', { runId: 'r1', at: T0 + 95_300 });
  const early = message('m2', { runId: 'r2', at: T0 + 3_600_000 });
  assert.equal(await handle({ Records: [due, early, message('m3', 'not json')] }), { batchItemFailures: [] });
  assert.equal(await handle({ Records: [due] }), { batchItemFailures: [] });
  const logged = (await store.events.list('r1')).map((e) => [e.id, e.event]);
  assert.equal(logged, [[`wake:${T0 + 95_300}`, { _tag: 'Tick', at: T0 + 95_800 }]]);
  assert.equal(await store.events.list('r2'), []);
  assert.equal(sent(), [{ QueueUrl: QUEUE, MessageBody: JSON.stringify({ runId: 'r2', at: T0 + 3_600_000 }), DelaySeconds: 900 }]);
  assert.equal(logs, ['wake-up message ignored: not {runId, at}']);
  // The stream takes wake-up ticks to the stepper (only the stepper's own results are skipped).
  assert.is(foldedByWriter(wakeEventId(T0 + 95_300)), false);

  // A failed send is that message's failure only: SQS delivers it again.
  sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalError' }));
  now = T0 + 100_000;
  assert.equal(await handle({ Records: [message('m4', { runId: 'r3', at: T0 + 200_000 }), message('m5', { runId: 'r3', at: T0 + 99_000 })] }), {
    batchItemFailures: [{ itemIdentifier: 'm4' }],
  });
  assert.equal((await store.events.list('r3')).map((e) => e.id), [`wake:${T0 + 99_000}`]);
});

w.run();
