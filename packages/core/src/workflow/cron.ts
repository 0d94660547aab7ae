/**
 * Cron schedules: a workflow's five-field crontab expression (minute hour day-of-month month
 * day-of-week, Sunday 0 or 7) and the EventBridge Scheduler expression that runs it on AWS.
 *
 * One model for both, so that validation refuses exactly what cannot be translated: croner parses
 * the expression into the sets of minutes, hours, days, months and weekdays it means, and the
 * Scheduler expression is written from those sets. `validate` calls the same function, so an
 * expression it accepts always has a Scheduler form.
 *
 * Scheduler's syntax (EventBridge Scheduler User Guide, "Schedule types" → cron-based schedules,
 * and EventBridge User Guide, "Cron expressions reference", read 2026-12): six fields
 * `minutes hours day-of-month month day-of-week year`; minutes 0-59, hours 0-23, day-of-month
 * 1-31 with `, - * ? / L W`, month 1-12 with `, - * /`, day-of-week 1-7 with Sunday 1 and
 * `, - * ? L #` (no `/`); exactly one of the two day fields is `?`; `#` only as the whole
 * day-of-week field ("3#1,6#3" is refused). The expression is at most 256 characters (Scheduler
 * API Reference, CreateSchedule → ScheduleExpression, read 2026-12).
 */
import { CronPattern } from 'croner';
import * as E from 'fp-ts/lib/Either.js';

export const SCHEDULE_EXPRESSION_MAX = 256;

/** Values lo..hi that are set in croner's array (index 0 is `lo`). */
const valuesOf = (flags: readonly number[], lo: number): number[] =>
  flags.flatMap((f, i) => (f ? [i + lo] : []));

/**
 * A set of values as Scheduler writes it: `*` for all, `a/s` for a step that runs to the end
 * (where the field takes `/`), else a list of single values and runs (`a-b`).
 */
const renderSet = (values: readonly number[], lo: number, hi: number, steps: boolean): string => {
  if (values.length === hi - lo + 1) return '*';
  if (steps && values.length >= 3) {
    const a = values[0]!;
    const s = values[1]! - a;
    if (s >= 2 && values.every((v, i) => v === a + i * s) && values[values.length - 1]! + s > hi) return `${a}/${s}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${values[i]}-${values[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(values[k]));
    i = j + 1;
  }
  return parts.join(',');
};

/** croner's nth-weekday flags (dayOfWeek entries): #1..#5 are bits 1..16, L is 32, a plain day 63. */
const NTH_BITS = [1, 2, 4, 8, 16] as const;
const LAST = 32;
const ANY = 63;

const dayOfMonthField = (p: CronPattern): E.Either<string, string> => {
  const days = valuesOf(p.day, 1);
  const nearest = valuesOf(p.nearestWeekdays, 1);
  if (p.lastWeekday) return E.left('"LW" (the last weekday of the month) has no EventBridge Scheduler form; use "L" or a weekday');
  if (nearest.length > 0) {
    return nearest.length === 1 && days.length === 0 && !p.lastDayOfMonth
      ? E.right(`${nearest[0]}W`)
      : E.left('"W" (nearest weekday) must stand alone in day-of-month, with one day, e.g. "15W"');
  }
  if (p.lastDayOfMonth) {
    return days.length === 0 ? E.right('L') : E.left('"L" (last day of the month) must stand alone in day-of-month');
  }
  return E.right(renderSet(days, 1, 31, true));
};

const dayOfWeekField = (p: CronPattern): E.Either<string, string> => {
  const set = p.dayOfWeek.flatMap((f, d) => (f ? [{ d, f }] : []));
  if (set.every(({ f }) => f === ANY)) return E.right(renderSet(set.map(({ d }) => d + 1), 1, 7, false));
  const only = set.length === 1 ? set[0]! : undefined;
  if (only?.f === LAST) return E.right(`${only.d + 1}L`);
  const nth = only ? NTH_BITS.indexOf(only.f as (typeof NTH_BITS)[number]) : -1;
  if (only && nth >= 0) return E.right(`${only.d + 1}#${nth + 1}`);
  return E.left('"#" and "L" take one day, alone in day-of-week (EventBridge Scheduler refuses lists of them, e.g. "1#1,5#3")');
};

/**
 * The EventBridge Scheduler expression for a workflow's cron schedule, or why it has none (a
 * sentence for a person, completing "cron schedule "…" is not valid: ").
 */
export const schedulerCron = (schedule: string): E.Either<string, string> => {
  const text = schedule.trim();
  if (text.startsWith('@')) return E.left('nicknames such as @daily are not supported; write five fields, e.g. "0 0 * * *"');
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return E.left(`it has ${fields.length} field${fields.length === 1 ? '' : 's'}; write five: minute hour day-of-month month day-of-week`);
  }
  if (fields[4]!.startsWith('+')) return E.left('a day-of-week starting with "+" (both day fields at once) is not supported; set one of the day fields to *');
  let p: CronPattern;
  try {
    p = new CronPattern(text, undefined, { mode: '5-part' });
  } catch (e) {
    return E.left((e as Error).message.replace(/^CronPattern: /, ''));
  }
  // croner reads `?` as `*`; so does hyperp, in every field.
  const wildcard = (f: string): boolean => /^[*?]$/.test(f);
  const domSet = !wildcard(fields[2]!);
  const dowSet = !wildcard(fields[4]!);
  if (domSet && dowSet) {
    return E.left('it restricts both day-of-month and day-of-week, which EventBridge Scheduler cannot run; set one of them to *');
  }
  const minutes = renderSet(valuesOf(p.minute, 0), 0, 59, true);
  const hours = renderSet(valuesOf(p.hour, 0), 0, 23, true);
  const months = renderSet(valuesOf(p.month, 1), 1, 12, true);
  let days: E.Either<string, readonly [string, string]> = E.right(['*', '?'] as const);
  if (domSet) days = E.map((dom: string) => [dom, '?'] as const)(dayOfMonthField(p));
  if (dowSet) {
    days = E.map((dow: string) => (dow === '*' ? (['*', '?'] as const) : (['?', dow] as const)))(dayOfWeekField(p));
  }
  if (E.isLeft(days)) return days;
  const expression = `cron(${minutes} ${hours} ${days.right[0]} ${months} ${days.right[1]} *)`;
  if (expression.length > SCHEDULE_EXPRESSION_MAX) {
    return E.left(`its EventBridge Scheduler form is ${expression.length} characters, more than the ${SCHEDULE_EXPRESSION_MAX} Scheduler takes; use ranges or steps instead of long lists`);
  }
  return E.right(expression);
};
