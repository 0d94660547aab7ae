// `pnpm bench fold`: what one fold costs the stepper as runs grow — the state item's bytes and
// DynamoDB write units per fold, and milliseconds of load + fold + save — for runs of 100, 1,000
// and 10,000 jobs and a 1,000-way fan-out, on DynamoDB Local and s3rver (a state whose gzip is
// over 350 KB goes to S3: its bytes are counted beside the item's). Each run is simulated
// fault-free and folded at a quarter, half, three quarters and its last event (the state grows
// to the end). Write units are DynamoDB Local's own (ReturnConsumedCapacity), shown beside the
// documented rule's (support/item-size.ts). Figures only; nothing passes or fails on a time.
// (The 10,000-job run is folded at half and at its end only.)
import { syntheticRunRequested, type SyntheticJob, type SyntheticWorkflow } from '@hyperp/core/sim';
import { s3BlobStore } from '../src/aws/s3-blobs.js';
import { dynamoStore } from '../src/store/store.js';
import { startDynamoLocal } from '../test/support/dynamodb-local.js';
import { countingBlobs, measureFolds, meterWrites, type FoldFigure } from '../test/support/fold-cost.js';
import { startS3Local } from '../test/support/s3-local.js';

const BUCKET = 'hyperp-bench-state';
const T0 = 1_700_000_000_000;

/** A layered DAG: each job depends on up to two of the 50 jobs before it; 50 images shared (as core's reducer bench). */
const dag = (n: number): SyntheticWorkflow => {
  let seed = n;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const jobs: SyntheticJob[] = [];
  for (let k = 0; k < n; k++) {
    const deps = new Set<string>();
    for (let d = 0; d < 2 && k > 0; d++) if (rnd() < 0.7) deps.add(`j${Math.max(0, k - 1 - Math.floor(rnd() * 50))}`);
    jobs.push({ name: `j${k}`, dependsOn: [...deps], image: `img${k % 50}` });
  }
  return { name: `dag-${n}`, jobs };
};
const fanOut: SyntheticWorkflow = {
  name: 'fan-out-1000',
  jobs: [{ name: 'split' }, { name: 'map', dependsOn: ['split'], concurrency: 1000 }, { name: 'reduce', dependsOn: ['map'] }],
};

const local = await startDynamoLocal();
const s3 = await startS3Local([BUCKET]);
try {
  const meter = meterWrites(local.client);
  const blobs = countingBlobs(s3BlobStore(s3.s3, BUCKET));
  const store = dynamoStore(local.doc, await local.createTable(), blobs);
  const figures: (FoldFigure & { jobs: number; tasks: number })[] = [];
  for (const w of [dag(100), dag(1000), dag(10_000), fanOut]) {
    const runId = `bench-${w.name}`;
    const request = syntheticRunRequested(w, { runId, at: T0 });
    const meta = { runId, repo: 'acme/bench', installationId: 1, branch: 'main', commit: request.commit, workflow: w.name ?? '', trigger: 'push' as const };
    const tasks = w.jobs.reduce((n, j) => n + (j.concurrency ?? 1), 0);
    // The 10,000-job run's state is ~20 MB of JSON: two folds of it keep the bench near a minute.
    const points = w.jobs.length >= 10_000 ? [0.5, 1] : [0.25, 0.5, 0.75, 1];
    for (const f of await measureFolds({ store, meter, blobs, meta }, w.name ?? '', request, points)) {
      figures.push({ ...f, jobs: w.jobs.length, tasks });
    }
  }
  const unitsFrom = figures.every((f) => f.writeUnits !== null)
    ? 'reported by DynamoDB Local (ReturnConsumedCapacity: TOTAL), beside the documented rule\'s'
    : 'computed by the documented rule (DynamoDB Local reported none)';
  console.log(JSON.stringify({ bench: 'adapters-aws/fold', writeUnits: unitsFrom, figures }, null, 2));
  console.log(`\nwhat one fold costs the stepper (an ECS event already in the log: load, fold, one conditional PutItem); write units ${unitsFrom}`);
  console.table(figures.map((f) => ({
    workflow: f.workflow, jobs: f.jobs, tasks: f.tasks, 'at %': f.atPercent, 'state KiB': f.stateJsonKiB, stored: f.stored,
    'item bytes': f.itemBytes, WCU: f.writeUnits ?? '-', 'WCU by rule': f.writeUnitsByRule, 'S3 bytes': f.s3Bytes,
    'load ms': f.loadMs, 'fold ms': f.foldMs, 'save ms': f.saveMs, 'total ms': Number((f.loadMs + f.foldMs + f.saveMs).toFixed(1)),
  })));
} finally {
  await s3.stop();
  await local.stop();
}
