// Lambda entry point: the sweep (an EventBridge schedule, every minute).
import { invokeAsync } from '../aws/invoke.js';
import { defaultRetryPolicy } from '../aws/retry.js';
import { sweepHandler } from '../handlers/sweep.js';
import { config, ecs, lambda, log, storeWithSpill } from '../production.js';

export const handler = () =>
  sweepHandler({
    store: storeWithSpill(), config: config(), ecs: ecs(), retry: defaultRetryPolicy, now: Date.now, log,
    restep: (runId, events) => invokeAsync(lambda(), config().stepperFunctionName, { runId, events }),
  })();
