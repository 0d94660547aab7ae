// Lambda entry point: the planner (invoked asynchronously with a PlanRequest).
import { planner } from '../planner/planner.js';
import type { PlanRequest } from '../planner/request.js';
import { production } from '../production.js';
import { scheduleSync } from '../schedules/sync.js';

export const handler = async (request: PlanRequest) => {
  const p = production();
  await p.githubReady();
  return planner({
    store: p.store, config: p.config, github: p.github, now: Date.now, log: p.log,
    syncSchedules: scheduleSync({ scheduler: p.scheduler, config: p.config, log: p.log }),
  })(request);
};
