// Lambda entry point: the CLI's API (Function URL, AWS_IAM) and the cron schedules' target.
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { existingImageTags } from '../aws/ecr-images.js';
import { defaultRetryPolicy } from '../aws/retry.js';
import { apiHandler, type CronInvocation } from '../handlers/api.js';
import { config, ecr, lambda, log, logs, masks, presign, secrets, startPlanner, storeWithSpill } from '../production.js';

export const handler = (event: LambdaFunctionURLEvent | CronInvocation, context?: Pick<Context, 'getRemainingTimeInMillis'>) =>
  apiHandler({
    store: storeWithSpill(), config: config(), lambda: lambda(), logs: logs(), secrets: secrets(), masks: masks(), presign, startPlanner, now: Date.now, log,
    ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
    imagesInRegistry: (tags) => existingImageTags(ecr(), config().ecrRepositoryUri, tags, defaultRetryPolicy),
  })(event);
