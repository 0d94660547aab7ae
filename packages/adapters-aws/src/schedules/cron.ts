/**
 * Workflow cron triggers (five fields, as in crontab: minute hour day-of-month month
 * day-of-week, Sunday = 0) as EventBridge Scheduler expressions (six fields with a year, Sunday =
 * 1, and exactly one of day-of-month and day-of-week set to `?`). Source: EventBridge Scheduler
 * User Guide, "Schedule types" → cron-based schedules, read 2026-11.
 */
const shiftWeekday = (field: string): string =>
  field.replace(/\d+/g, (d) => String((Number(d) % 7) + 1));

export const schedulerExpression = (cron: string): string => {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) throw new Error(`cron schedule "${cron}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  const weekday = dow === '*' ? '?' : shiftWeekday(dow);
  const day = dow !== '*' && dom === '*' ? '?' : dom;
  if (day !== '?' && weekday !== '?') {
    throw new Error(`cron schedule "${cron}" sets both day-of-month and day-of-week, which EventBridge Scheduler cannot express`);
  }
  return `cron(${min} ${hour} ${day} ${mon} ${weekday} *)`;
};
