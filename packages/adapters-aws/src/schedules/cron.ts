/**
 * Workflow cron triggers as EventBridge Scheduler expressions. The translation lives in core
 * (`schedulerCron`), next to the validation that uses it, so a schedule that validates always
 * has a Scheduler form; here it is only unwrapped for the schedule sync.
 */
import { schedulerCron } from '@hyperp/core/internal';

export const schedulerExpression = (cron: string): string => {
  const r = schedulerCron(cron);
  if (r._tag === 'Left') throw new Error(`cron schedule "${cron}" is not valid: ${r.left}`);
  return r.right;
};

/** The same, as a value: the sync reports a schedule it cannot translate instead of throwing. */
export const schedulerCronOf = (cron: string): { readonly _tag: 'Left'; readonly left: string } | { readonly _tag: 'Right'; readonly right: string } =>
  schedulerCron(cron);
