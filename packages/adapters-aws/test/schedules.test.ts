import {
  CreateScheduleCommand, DeleteScheduleCommand, ListSchedulesCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand, ValidationException,
} from '@aws-sdk/client-scheduler';
import type { WorkflowSpec } from '@hyperp/core';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { schedulerExpression } from '../src/schedules/cron.js';
import { scheduleName, schedulePrefix, scheduleSync, workflowSchedulePrefix } from '../src/schedules/sync.js';

const expr = suite('cron → EventBridge Scheduler expression');

expr('adds the year, maps Sunday=0 to Sunday=1 and puts ? in the unused day field', () => {
  assert.is(schedulerExpression('0 3 * * *'), 'cron(0 3 * * ? *)');
  assert.is(schedulerExpression('*/15 8-18 * * 1-5'), 'cron(0/15 8-18 ? * 2-6 *)');
  assert.is(schedulerExpression('30 6 1,15 * *'), 'cron(30 6 1,15 * ? *)');
  assert.is(schedulerExpression('0 0 * * 0,6'), 'cron(0 0 ? * 1,7 *)');
  assert.is(schedulerExpression('0 0 * * 7'), 'cron(0 0 ? * 1 *)');
});

expr('a ? that validation accepts in a day field gives exactly one ? on Scheduler\'s side', () => {
  // Both were accepted by validation: the first became cron(15 10 ? * ? *), which Scheduler
  // refuses, and the second threw while syncing.
  assert.is(schedulerExpression('15 10 ? * *'), 'cron(15 10 * * ? *)');
  assert.is(schedulerExpression('0 0 ? * ?'), 'cron(0 0 * * ? *)');
});

expr('day-of-week steps, ranges ending on Sunday and wrapping name ranges become day lists', () => {
  assert.is(schedulerExpression('0 0 * * */2'), 'cron(0 0 ? * 1,3,5,7 *)');
  assert.is(schedulerExpression('0 0 * * 1-5/2'), 'cron(0 0 ? * 2,4,6 *)');
  assert.is(schedulerExpression('0 0 * * 5-7'), 'cron(0 0 ? * 1,6,7 *)');
  assert.is(schedulerExpression('0 0 * * 0-7'), 'cron(0 0 * * ? *)');
  assert.is(schedulerExpression('0 0 * * mon,WED'), 'cron(0 0 ? * 2,4 *)');
  assert.is(schedulerExpression('0 0 * * 5L'), 'cron(0 0 ? * 6L *)');
  assert.is(schedulerExpression('0 0 * * 1#2'), 'cron(0 0 ? * 2#2 *)');
});

expr('what validation refuses does not translate, with the same reason', () => {
  assert.throws(() => schedulerExpression('0 3 * *'), /cron schedule "0 3 \* \*" is not valid: it has 4 fields/);
  assert.throws(() => schedulerExpression('0 3 1 * 1'), /restricts both day-of-month and day-of-week/);
  assert.throws(() => schedulerExpression('0 0 * * 8'), /is not valid/);
});

expr.run();

const sync = suite('schedule sync');
const scheduler = mockClient(SchedulerClient);
const config = {
  schedulerGroupName: 'hyperp',
  schedulerRoleArn: 'arn:aws:iam::123456789012:role/hyperp-scheduler',
  manualRunFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hyperp-api',
};
const workflow = (name: string, branches: string[], cron: { schedule: string; timezone?: string }[]): WorkflowSpec => ({
  file: `hyperp-workflows/${name}.yaml`, name, branches, sharedArtifacts: [], failFast: false,
  triggers: { push: true, manual: false, cron }, jobs: [],
});

sync('creates new schedules, updates kept ones, deletes the ones whose trigger is gone', async () => {
  scheduler.reset();
  const keep = scheduleName('acme/calc', 'main', 'nightly', 0);
  const gone = scheduleName('acme/calc', 'main', 'old', 0);
  scheduler.on(ListSchedulesCommand).resolvesOnce({ Schedules: [{ Name: keep }], NextToken: 'p2' }).resolvesOnce({ Schedules: [{ Name: gone }] });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
  scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
  scheduler.on(DeleteScheduleCommand).resolves({});
  await scheduleSync({ scheduler: new SchedulerClient({ region: 'us-east-1' }), config, log: () => undefined })('acme/calc', 'main', 77, [
    workflow('nightly', ['main'], [{ schedule: '0 3 * * *' }, { schedule: '0 12 * * 1', timezone: 'Europe/Berlin' }]),
    workflow('feature-only', ['feature/**'], [{ schedule: '0 1 * * *' }]),
  ], true);
  assert.match(keep, /^hyperp-[0-9a-f]{16}-[0-9a-f]{12}-0$/);
  assert.ok(keep.startsWith(schedulePrefix('acme/calc', 'main')));
  assert.equal(scheduler.commandCalls(ListSchedulesCommand).map((c) => c.args[0].input), [
    { GroupName: 'hyperp', NamePrefix: schedulePrefix('acme/calc', 'main') },
    { GroupName: 'hyperp', NamePrefix: schedulePrefix('acme/calc', 'main'), NextToken: 'p2' },
  ]);
  const target = (schedule: string) => ({
    Arn: config.manualRunFunctionArn, RoleArn: config.schedulerRoleArn,
    Input: JSON.stringify({ kind: 'cron', repo: 'acme/calc', branch: 'main', workflow: 'nightly', schedule, installationId: 77, scheduledAt: '<aws.scheduler.scheduled-time>' }),
  });
  assert.equal(scheduler.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input), [{
    Name: keep, GroupName: 'hyperp', ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' }, Description: 'hyperp: acme/calc main nightly (0 3 * * *)', Target: target('0 3 * * *'),
  }]);
  assert.equal(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input), [{
    Name: scheduleName('acme/calc', 'main', 'nightly', 1), GroupName: 'hyperp', ScheduleExpression: 'cron(0 12 ? * 2 *)',
    ScheduleExpressionTimezone: 'Europe/Berlin', FlexibleTimeWindow: { Mode: 'OFF' }, Description: 'hyperp: acme/calc main nightly (0 12 * * 1)',
    Target: target('0 12 * * 1'),
  }]);
  assert.equal(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input), [{ Name: gone, GroupName: 'hyperp' }]);
});

sync('descriptions are cut to Scheduler\'s 512 characters', async () => {
  scheduler.reset();
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
  const branch = `feature/${'b'.repeat(240)}`;
  const failures = await scheduleSync({ scheduler: new SchedulerClient({ region: 'us-east-1' }), config, log: () => undefined })(
    `acme/${'r'.repeat(100)}`, branch, 77, [workflow('w'.repeat(200), ['feature/**'], [{ schedule: '0 3 * * *' }])], true,
  );
  assert.equal(failures, []);
  const d = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input.Description!;
  assert.is(d.length, 512);
  assert.ok(d.endsWith('…'));
});

sync('a workflow whose schedule Scheduler refuses keeps its schedules and is reported; the others are synced', async () => {
  scheduler.reset();
  const okOld = scheduleName('acme/calc', 'main', 'ok', 1);
  const badOld = scheduleName('acme/calc', 'main', 'bad', 3);
  const unknown = `${schedulePrefix('acme/calc', 'main')}0123456789ab-0`;
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: okOld }, { Name: badOld }, { Name: unknown }] });
  scheduler.on(CreateScheduleCommand).callsFake((input: { Name: string }) => {
    if (input.Name.startsWith(workflowSchedulePrefix('acme/calc', 'main', 'bad'))) {
      throw new ValidationException({ message: 'Invalid Schedule Expression cron(0 3 * * ? *).', Message: 'Invalid Schedule Expression cron(0 3 * * ? *).', $metadata: { httpStatusCode: 400 } });
    }
    return { ScheduleArn: 'arn:s' };
  });
  // Deleted by someone else since the listing: nothing left to delete.
  scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'Schedule hyperp/x does not exist.', Message: 'Schedule hyperp/x does not exist.', $metadata: { httpStatusCode: 404 } }));
  const failures = await scheduleSync({ scheduler: new SchedulerClient({ region: 'us-east-1' }), config, log: () => undefined })('acme/calc', 'main', 77, [
    workflow('bad', ['main'], [{ schedule: '0 3 * * *' }, { schedule: '0 4 * * *' }]),
    workflow('ok', ['main'], [{ schedule: '0 5 * * *' }]),
  ], false);
  assert.equal(failures, [{ workflow: 'bad', reason: 'cron schedule "0 3 * * *" not synced: ValidationException: Invalid Schedule Expression cron(0 3 * * ? *).' }]);
  assert.equal(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name), [
    scheduleName('acme/calc', 'main', 'bad', 0), scheduleName('acme/calc', 'main', 'ok', 0),
  ]);
  // `ok`'s old trigger goes; `bad`'s stay as they were; a schedule of a workflow this commit
  // did not load (complete: false) stays too.
  assert.equal(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input.Name), [okOld]);
});

sync.run();
