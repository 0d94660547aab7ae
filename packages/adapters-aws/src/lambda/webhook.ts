// Lambda entry point: the GitHub webhook (Function URL, auth NONE).
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { webhookHandler } from '../handlers/webhook.js';
import { startPlanner, store, webhookSecret } from '../production.js';

export const handler = (event: LambdaFunctionURLEvent) =>
  webhookHandler({ webhookSecret: webhookSecret(), deliveries: store().deliveries, now: Date.now, startPlanner })(event);
