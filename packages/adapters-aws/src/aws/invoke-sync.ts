/**
 * Synchronous Lambda invocations (RequestResponse). A function error arrives as a 200 with
 * `FunctionError` set and the error in the payload, not as a thrown error: it is returned as a
 * value so the caller turns it into an event.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export type InvokeResult =
  | { readonly _tag: 'Ok'; readonly payload: unknown }
  | { readonly _tag: 'FunctionError'; readonly message: string };

export const invokeSync = async (
  lambda: Pick<LambdaClient, 'send'>, functionName: string, payload: unknown, opts: { readonly abortSignal?: AbortSignal } = {},
): Promise<InvokeResult> => {
  const r = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
    // Stops waiting for the answer only: the function runs on to its end.
    ...(opts.abortSignal ? [{ abortSignal: opts.abortSignal }] : []),
  );
  const text = r.Payload ? new TextDecoder().decode(r.Payload) : '';
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  if (r.FunctionError) {
    const b = body as { errorType?: string; errorMessage?: string } | null;
    const message = b && typeof b === 'object' && b.errorMessage ? `${b.errorType ?? 'Error'}: ${b.errorMessage}` : String(text || r.FunctionError);
    return { _tag: 'FunctionError', message };
  }
  return { _tag: 'Ok', payload: body };
};
