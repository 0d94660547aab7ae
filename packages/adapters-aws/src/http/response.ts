/** Lambda Function URL answers: JSON bodies, one shape for every handler. */
/** Assignable to `LambdaFunctionURLResult`, and always an object (never the bare-string form). */
export interface HttpResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export const json = (statusCode: number, body: unknown): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The request body as text (Function URLs base64-encode bodies that are not plain text). */
export const bodyText = (event: { body?: string; isBase64Encoded: boolean }): string =>
  event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;

/** A header by name; Function URL events give header names in lower case. */
export const header = (headers: Record<string, string | undefined> | undefined, name: string): string | undefined => {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
};
