// Lambda entry point: the sweep (an EventBridge schedule, every minute).
import { invokeAsync } from '../aws/invoke.js';
import { defaultRetryPolicy } from '../aws/retry.js';
import { sweepHandler } from '../handlers/sweep.js';
import { production } from '../production.js';

export const handler = () => {
  const p = production();
  return sweepHandler({
    store: p.store, config: p.config, ecs: p.ecs, retry: defaultRetryPolicy, now: Date.now, log: p.log,
    restep: (runId, events) => invokeAsync(p.lambda, p.config.stepperFunctionName, { runId, events }),
  })();
};
