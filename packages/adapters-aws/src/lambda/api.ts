// Lambda entry point: the CLI's API (Function URL, AWS_IAM) and the cron schedules' target.
import { apiHandler, type CronInvocation } from '../handlers/api.js';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { production } from '../production.js';

export const handler = (event: LambdaFunctionURLEvent | CronInvocation) => {
  const p = production();
  return apiHandler({
    store: p.store, config: p.config, lambda: p.lambda, logs: p.logs, presign: p.presign,
    startPlanner: (r) => p.startPlanner(r), now: Date.now,
  })(event);
};
