/**
 * Workflow cron triggers (five fields, as in crontab: minute hour day-of-month month
 * day-of-week, Sunday = 0 or 7) as EventBridge Scheduler expressions (six fields with a year,
 * Sunday = 1, and exactly one of day-of-month and day-of-week set to `?`). Source: EventBridge
 * Scheduler User Guide, "Schedule types" → cron-based schedules, read 2026-11.
 *
 * Scheduler's day-of-week takes no step and no range that wraps past Saturday, so the crontab
 * field is expanded to the days it names and written as a list (`1-5` → `2,3,4,5,6`,
 * `FRI-MON` → `1,2,6,7`, `*\/2` → `1,3,5,7`). Scheduler's own `L` and `#` pass through with the
 * day renumbered.
 */
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** A crontab day (0–7 or a name) as 0–6, Sunday 0; undefined when it is neither. */
const dayOf = (text: string): number | undefined => {
  const named = DAY_NAMES.indexOf(text.toUpperCase() as (typeof DAY_NAMES)[number]);
  if (named >= 0) return named;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 7 ? n % 7 : undefined;
};

const invalid = (cron: string, why: string): Error => new Error(`cron schedule "${cron}": ${why}`);

/** The crontab days one comma-separated item names, as 0–6. */
const daysOfItem = (cron: string, item: string): number[] => {
  const [range = '', stepText] = item.split('/');
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) throw invalid(cron, `"${item}" has an invalid step`);
  let from: number | undefined;
  let to: number | undefined;
  if (range === '*') [from, to] = [0, 6];
  else {
    const [a = '', b] = range.split('-');
    from = dayOf(a);
    // `5-7` ends on Sunday: keep 7 as the end of the walk rather than wrapping to 0.
    to = b === undefined ? (stepText === undefined ? from : 6) : b === '7' ? 7 : dayOf(b);
  }
  if (from === undefined || to === undefined) throw invalid(cron, `"${item}" is not a day of the week (0–7 or SUN–SAT)`);
  const span = (to - from + 7) % 7 || (to === from ? 0 : 7);
  const days: number[] = [];
  for (let i = 0; i <= span; i += step) days.push((from + i) % 7);
  return days;
};

/** Scheduler's day-of-week field for a crontab one other than `*`. */
const schedulerWeekday = (cron: string, field: string): string => {
  const special = /^(\w+)(L|#\d)$/i.exec(field);
  if (special) {
    const day = dayOf(special[1]!);
    if (day === undefined) throw invalid(cron, `"${field}" is not a day of the week`);
    return `${day + 1}${special[2]!.toUpperCase()}`;
  }
  const days = new Set(field.split(',').flatMap((item) => daysOfItem(cron, item)));
  return [...days].sort((a, b) => a - b).map((d) => d + 1).join(',');
};

export const schedulerExpression = (cron: string): string => {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) throw new Error(`cron schedule "${cron}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  const weekday = dow === '*' ? '?' : schedulerWeekday(cron, dow);
  const day = dow !== '*' && dom === '*' ? '?' : dom;
  if (day !== '?' && weekday !== '?') {
    throw new Error(`cron schedule "${cron}" sets both day-of-month and day-of-week, which EventBridge Scheduler cannot express`);
  }
  return `cron(${min} ${hour} ${day} ${mon} ${weekday} *)`;
};
