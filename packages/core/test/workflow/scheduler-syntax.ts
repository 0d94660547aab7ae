/**
 * An EventBridge Scheduler cron expression checker and matcher, written from AWS's documentation
 * alone (EventBridge Scheduler User Guide, "Schedule types" → cron-based schedules; EventBridge
 * User Guide, "Cron expressions reference"; read 2026-12), independently of the translator it
 * checks. Only UTC: a time zone shifts both sides alike.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly lo: number;
  readonly hi: number;
  readonly names?: readonly string[];
  readonly slash: boolean;
}

const FIELDS: Record<'minutes' | 'hours' | 'dom' | 'month' | 'dow' | 'year', FieldSpec> = {
  minutes: { lo: 0, hi: 59, slash: true },
  hours: { lo: 0, hi: 23, slash: true },
  dom: { lo: 1, hi: 31, slash: true },
  month: { lo: 1, hi: 12, names: MONTHS, slash: true },
  dow: { lo: 1, hi: 7, names: DAYS, slash: false },
  year: { lo: 1970, hi: 2199, slash: true },
};

const value = (spec: FieldSpec, text: string): number | undefined => {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + spec.lo;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= spec.lo && n <= spec.hi ? n : undefined;
};

/** The values of a list field, or undefined when Scheduler would refuse it. */
const listValues = (spec: FieldSpec, field: string): Set<number> | undefined => {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) return undefined;
    if (m[2] !== undefined && !spec.slash) return undefined;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (m[1] === '*') [from, to] = [spec.lo, spec.hi];
    else if (m[1]!.includes('-')) {
      const [a, b, ...rest] = m[1]!.split('-');
      if (rest.length > 0) return undefined;
      [from, to] = [value(spec, a!), value(spec, b!)];
    } else {
      from = value(spec, m[1]!);
      to = m[2] === undefined ? from : spec.hi;
    }
    if (from === undefined || to === undefined || from > to) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
};

type DayRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'set'; readonly days: Set<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'nearest'; readonly day: number }
  | { readonly kind: 'lastWeekday'; readonly weekday: number }
  | { readonly kind: 'nth'; readonly weekday: number; readonly n: number };

export interface SchedulerCron {
  readonly minutes: Set<number>;
  readonly hours: Set<number>;
  readonly months: Set<number>;
  /** Exactly one of the two is `any` (`?`). */
  readonly dom: DayRule;
  readonly dow: DayRule;
}

const domRule = (f: string): DayRule | undefined => {
  if (f === '?') return { kind: 'any' };
  if (f === 'L') return { kind: 'last' };
  const w = /^(\d+)W$/.exec(f);
  if (w) {
    const day = value(FIELDS.dom, w[1]!);
    return day === undefined ? undefined : { kind: 'nearest', day };
  }
  const days = listValues(FIELDS.dom, f);
  return days ? { kind: 'set', days } : undefined;
};

const dowRule = (f: string): DayRule | undefined => {
  if (f === '?') return { kind: 'any' };
  const last = /^(\w+)L$/.exec(f);
  if (last) {
    const weekday = value(FIELDS.dow, last[1]!);
    return weekday === undefined ? undefined : { kind: 'lastWeekday', weekday };
  }
  const nth = /^(\w+)#([1-5])$/.exec(f);
  if (nth) {
    const weekday = value(FIELDS.dow, nth[1]!);
    return weekday === undefined ? undefined : { kind: 'nth', weekday, n: Number(nth[2]) };
  }
  if (f.includes('#') || f.includes('L')) return undefined;
  const days = listValues(FIELDS.dow, f);
  return days ? { kind: 'set', days } : undefined;
};

/** The parsed expression, or the reason Scheduler would refuse it. */
export const parseSchedulerCron = (expression: string): SchedulerCron | string => {
  if (expression.length > 256) return 'longer than 256 characters';
  const m = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!m) return 'not cron( six fields )';
  const [, mi, h, dm, mo, dw, y] = m as unknown as [string, string, string, string, string, string, string];
  if ((dm === '?') === (dw === '?')) return 'exactly one of day-of-month and day-of-week must be ?';
  if (y !== '*' && !listValues(FIELDS.year, y)) return 'bad year';
  const minutes = listValues(FIELDS.minutes, mi);
  const hours = listValues(FIELDS.hours, h);
  const months = listValues(FIELDS.month, mo);
  const dom = domRule(dm);
  const dow = dowRule(dw);
  if (!minutes || !hours || !months || !dom || !dow) return 'a field Scheduler does not take';
  return { minutes, hours, months, dom, dow };
};

const daysIn = (y: number, m0: number): number => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();

const dayMatches = (rule: DayRule, d: Date): boolean => {
  const y = d.getUTCFullYear();
  const m0 = d.getUTCMonth();
  const day = d.getUTCDate();
  const weekday = d.getUTCDay() + 1; // Sunday 1
  const last = daysIn(y, m0);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'set':
      return rule.days.has(day);
    case 'last':
      return day === last;
    case 'nearest': {
      // The weekday nearest to the given day, within the same month.
      if (rule.day > last) return false;
      const wd = new Date(Date.UTC(y, m0, rule.day)).getUTCDay();
      const target = wd === 0 ? (rule.day === last ? rule.day - 2 : rule.day + 1) : wd === 6 ? (rule.day === 1 ? rule.day + 2 : rule.day - 1) : rule.day;
      return day === target;
    }
    case 'lastWeekday':
      return weekday === rule.weekday && day + 7 > last;
    case 'nth':
      return weekday === rule.weekday && Math.ceil(day / 7) === rule.n;
  }
};

/** Whether Scheduler would run the expression at this UTC minute. */
export const schedulerMatches = (c: SchedulerCron, d: Date): boolean => {
  if (!c.minutes.has(d.getUTCMinutes()) || !c.hours.has(d.getUTCHours()) || !c.months.has(d.getUTCMonth() + 1)) return false;
  if (c.dow.kind === 'set') return c.dow.days.has(d.getUTCDay() + 1);
  return c.dom.kind === 'any' ? dayMatches(c.dow, d) : dayMatches(c.dom, d);
};
