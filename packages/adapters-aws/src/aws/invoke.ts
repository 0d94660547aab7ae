/**
 * Asynchronous Lambda invocations (InvocationType `Event`): Lambda queues the payload and answers
 * 202 at once, retrying the function twice on error (Lambda docs "Asynchronous invocation", read
 * 2026-11). Anything but 202 is an error here.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export const invokeAsync = async (lambda: Pick<LambdaClient, 'send'>, functionName: string, payload: unknown): Promise<void> => {
  const r = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  if (r.StatusCode !== 202) {
    throw new Error(`async invocation of ${functionName} answered ${r.StatusCode ?? 'no status'}${r.FunctionError ? ` (${r.FunctionError})` : ''}`);
  }
};
