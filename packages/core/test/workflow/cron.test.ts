import { Cron } from 'croner';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { schedulerCron } from '../../src/workflow/cron.js';
import { cronScheduleProblem } from '../../src/workflow/rules-workflow.js';
import { parseSchedulerCron, schedulerMatches } from './scheduler-syntax.js';

const right = (s: string): string => {
  const r = schedulerCron(s);
  if (r._tag === 'Left') throw new Error(`"${s}" refused: ${r.left}`);
  return r.right;
};
const left = (s: string): string => {
  const r = schedulerCron(s);
  if (r._tag === 'Right') throw new Error(`"${s}" accepted as ${r.right}`);
  return r.left;
};

const cron = suite('cron schedules → EventBridge Scheduler');

cron('a `?` in either day field reads as `*`, and exactly one Scheduler day field is `?`', () => {
  assert.is(right('15 10 ? * *'), 'cron(15 10 * * ? *)');
  assert.is(right('0 0 ? * ?'), 'cron(0 0 * * ? *)');
  assert.is(right('0 0 * * ?'), 'cron(0 0 * * ? *)');
  assert.is(right('0 0 1 * ?'), 'cron(0 0 1 * ? *)');
  assert.is(right('0 0 ? * MON'), 'cron(0 0 ? * 2 *)');
});

cron('fields are written from the sets they mean, in the forms Scheduler documents', () => {
  assert.is(right('0 3 * * *'), 'cron(0 3 * * ? *)');
  assert.is(right('*/15 8-18 * * 1-5'), 'cron(0/15 8-18 ? * 2-6 *)');
  assert.is(right('30 6 1,15 * *'), 'cron(30 6 1,15 * ? *)');
  assert.is(right('0 0 * * 0,6'), 'cron(0 0 ? * 1,7 *)');
  assert.is(right('0 0 * * 7'), 'cron(0 0 ? * 1 *)');
  assert.is(right('0 0 * * */2'), 'cron(0 0 ? * 1,3,5,7 *)');
  assert.is(right('0 0 * * 5-7'), 'cron(0 0 ? * 1,6,7 *)');
  assert.is(right('0 0 * * 0-6'), 'cron(0 0 * * ? *)');
  assert.is(right('0 0 * JAN-MAR,DEC *'), 'cron(0 0 * 1-3,12 ? *)');
  assert.is(right('1-59/2 * * * *'), 'cron(1/2 * * * ? *)');
  assert.is(right('1-57/2 * * * *'), 'cron(1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39,41,43,45,47,49,51,53,55,57 * * * ? *)');
  assert.is(right('0 0 L * *'), 'cron(0 0 L * ? *)');
  assert.is(right('0 0 15W * *'), 'cron(0 0 15W * ? *)');
  assert.is(right('0 0 * * FRI#2'), 'cron(0 0 ? * 6#2 *)');
  assert.is(right('0 0 * * 5L'), 'cron(0 0 ? * 6L *)');
});

cron('what Scheduler cannot run is refused, saying why', () => {
  assert.is(left('0 3 1 * 1'), 'it restricts both day-of-month and day-of-week, which EventBridge Scheduler cannot run; set one of them to *');
  assert.is(left('@daily'), 'nicknames such as @daily are not supported; write five fields, e.g. "0 0 * * *"');
  assert.is(left('0 3 * *'), 'it has 4 fields; write five: minute hour day-of-month month day-of-week');
  assert.is(left('0 0 * * 1#1,5#3'), '"#" and "L" take one day, alone in day-of-week (EventBridge Scheduler refuses lists of them, e.g. "1#1,5#3")');
  assert.is(left('0 0 LW * *'), '"LW" (the last weekday of the month) has no EventBridge Scheduler form; use "L" or a weekday');
  assert.is(left('0 0 1,L * *'), '"L" (last day of the month) must stand alone in day-of-month');
  assert.is(left('0 0 * * +1'), 'a day-of-week starting with "+" (both day fields at once) is not supported; set one of the day fields to *');
  assert.match(left('0 0 * * 8'), /dayOfWeek/);
  // Validation is the same function.
  assert.is(cronScheduleProblem('0 3 1 * 1'), left('0 3 1 * 1'));
  assert.is(cronScheduleProblem('15 10 ? * *'), undefined);
});

// Cron expressions from a grammar wide enough to hold what people write and what they get wrong.
const num = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map(String);
const items = (lo: number, hi: number, names: readonly string[] = []) => {
  const n = fc.integer({ min: lo, max: hi });
  const v = fc.oneof(num(lo, hi), ...(names.length ? [fc.constantFrom(...names)] : []));
  return fc.oneof(
    { weight: 8, arbitrary: v },
    { weight: 3, arbitrary: fc.tuple(n, n).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`) },
    { weight: 1, arbitrary: fc.tuple(v, v).map(([a, b]) => `${a}-${b}`) },
    { weight: 2, arbitrary: num(1, hi).map((s) => `*/${s}`) },
    { weight: 2, arbitrary: fc.tuple(n, n, num(1, 9)).map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`) },
    { weight: 1, arbitrary: fc.tuple(num(lo, hi), num(1, 9)).map(([a, s]) => `${a}/${s}`) },
    { weight: 1, arbitrary: num(hi + 1, hi + 10) },
  );
};
const field = (lo: number, hi: number, names: readonly string[] = [], extra: fc.Arbitrary<string>[] = []) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('*', '?') },
    { weight: 6, arbitrary: fc.array(items(lo, hi, names), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(',')) },
    ...extra.map((arbitrary) => ({ weight: 2, arbitrary })),
  );
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'mon', 'Fri'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC', 'dec'];
const cronText = fc
  .tuple(
    field(0, 59),
    field(0, 23),
    field(1, 31, [], [fc.constantFrom('L', 'LW', '1,L'), num(1, 31).map((d) => `${d}W`)]),
    field(1, 12, MONTHS),
    field(0, 7, DAYS, [fc.tuple(num(0, 7), num(1, 5)).map(([d, n]) => `${d}#${n}`), num(0, 7).map((d) => `${d}L`), fc.constantFrom('1#1,5#3', '+1')]),
  )
  // Half the schedules leave one day field alone, as people mostly do.
  .chain((f) => fc.constantFrom(0, 1, 2).map((k) => (k === 0 ? f : k === 1 ? [f[0], f[1], '*', f[3], f[4]] : [f[0], f[1], f[2], f[3], '*'])))
  .map((f) => f.join(' '));

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

cron('every accepted schedule has a Scheduler form that Scheduler takes and that runs at the times croner runs it', () => {
  let accepted = 0;
  fc.assert(
    fc.property(cronText, fc.array(fc.integer({ min: 0, max: 4 * 365 * 24 * 60 }), { minLength: 40, maxLength: 40 }), (text, samples) => {
      const r = schedulerCron(text);
      if (r._tag === 'Left') return;
      accepted++;
      const parsed = parseSchedulerCron(r.right);
      if (typeof parsed === 'string') throw new Error(`${text} → ${r.right}: Scheduler would refuse it (${parsed})`);
      const croner = new Cron(text, { paused: true, timezone: 'Etc/UTC', mode: '5-part' });
      // Croner's own runs, and the minutes around them, and minutes drawn at random over four years.
      const runs = croner.nextRuns(12, new Date(START)).map((d) => d.getTime());
      const near = runs.flatMap((t) => [t, t - MINUTE, t + MINUTE, t + 3_600_000, t + 86_400_000, t - 86_400_000, t + 7 * 86_400_000]);
      for (const t of [...near, ...samples.map((m) => START + m * MINUTE)]) {
        const at = new Date(t);
        if (croner.match(at) !== schedulerMatches(parsed, at)) {
          throw new Error(`${text} → ${r.right} disagree at ${at.toISOString()}: croner ${croner.match(at)}`);
        }
      }
    }),
    { numRuns: 1200 },
  );
  // The grammar must reach far into what is accepted, or the property proves little.
  assert.ok(accepted > 250, `only ${accepted} accepted schedules were checked`);
});

cron.run();
