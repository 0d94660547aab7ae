// Lambda entry point: the GitHub webhook (Function URL, auth NONE).
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { webhookHandler } from '../handlers/webhook.js';
import { config, startPlanner, webhookSecret } from '../production.js';

export const handler = (event: LambdaFunctionURLEvent) =>
  webhookHandler({ webhookSecret: webhookSecret(), now: Date.now, startPlanner, appId: config().githubAppId })(event);
