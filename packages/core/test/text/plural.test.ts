// Counts read as English: "1 job succeeded", never "1 jobs".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plural } from '../../src/text/plural.js';
import { taskLaunchAccepted, taskRunning, taskStopped } from '../../src/run/constructors.js';
import type { RunEvent } from '../../src/run/events.js';
import { imageUri } from '../../src/names/images.js';
import { syntheticImageKey } from '../../src/sim/workflow.js';
import { checkRunReport } from '../../src/report/check-run.js';
import { arnOf, fold, keys, request, stateAfter, T0, taskArn } from '../run/support.js';

test('plural: one, none, many, and a noun of its own plural', () => {
  assert.equal([plural(1, 'job'), plural(0, 'job'), plural(2, 'job'), plural(1, 'retry', 'retries'), plural(3, 'retry', 'retries')], ['1 job', '0 jobs', '2 jobs', '1 retry', '3 retries']);
});

test('a run of one job: its commit status says "1 job succeeded" and its check run "Queued: 1 job, 1 image build", "1 job succeeded" (they said "1 jobs")', () => {
  const r = request({ name: 'one', jobs: [{ name: 'a' }] });
  const sb = keys('a', 1, 1).startedBy;
  const events: RunEvent[] = [
    r, { _tag: 'DirectoriesEnsured', at: T0 + 1 },
    { _tag: 'ImageBuildSucceeded', at: T0 + 10, key: syntheticImageKey('a'), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey('a')), usage: null },
    { _tag: 'TaskDefinitionRegistered', at: T0 + 11, job: 'a', taskDefinitionArn: arnOf('a') },
    taskLaunchAccepted(T0 + 12, sb, taskArn(1)),
    taskRunning(T0 + 1000, sb, taskArn(1), ['main']),
    taskStopped(T0 + 31_000, sb, taskArn(1), { main: 0 }, { pullStartedAt: T0 + 500 }),
  ];
  assert.is(checkRunReport(stateAfter([r]), { logTails: {} }).title, 'Queued: 1 job, 1 image build');
  const [end, commands] = fold(events);
  assert.is(end.status, 'SUCCEEDED');
  const status = commands.filter((c) => c._tag === 'SetCommitStatus').at(-1);
  assert.is(status?._tag === 'SetCommitStatus' ? status.description : undefined, '1 job succeeded');
  assert.match(checkRunReport(end, { logTails: {} }).title, /^1 job succeeded · \$/);
});

test.run();
