/**
 * The API behind the Function URL stand-in for commands that only touch a repository's secrets:
 * Secrets Manager as the SDK client the test mocks, and every other dependency failing the test
 * when used.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { apiHandler, loadConfig, type Store } from '@hyperp/adapters-aws';
import * as assert from 'uvu/assert';
import { testEnv } from '../../../adapters-aws/test/support/env.js';
import { startFunctionUrl, type Caller, type FunctionUrl } from './function-url.js';

export const secretsConfig = loadConfig(testEnv);

export const startSecretsApi = (callers: readonly Caller[]): Promise<FunctionUrl> => {
  const api = apiHandler({
    store: new Proxy({}, { get: () => assert.unreachable('the store was used') }) as unknown as Store,
    config: secretsConfig, secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    lambda: { send: async () => assert.unreachable('lambda was called') } as never,
    logs: { send: async () => assert.unreachable('logs were read') } as never,
    presign: async () => assert.unreachable('presigned') as never, startPlanner: async () => undefined, now: Date.now,
  });
  return startFunctionUrl(async (e) => (await api(e)) as { statusCode: number; body: string }, callers, 'us-east-1');
};
