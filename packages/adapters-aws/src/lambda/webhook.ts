// Lambda entry point: the GitHub webhook (Function URL, auth NONE).
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { webhookHandler } from '../handlers/webhook.js';
import type { PlanRequest } from '../planner/request.js';
import { production } from '../production.js';

export const handler = (event: LambdaFunctionURLEvent) => {
  const p = production();
  return webhookHandler({
    webhookSecret: p.webhookSecret, deliveries: p.store.deliveries, now: Date.now,
    startPlanner: (r: PlanRequest) => p.startPlanner(r),
  })(event);
};
