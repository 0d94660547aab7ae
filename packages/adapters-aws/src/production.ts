/**
 * The one production wiring: reads the configuration, builds the SDK clients once per Lambda
 * container and hands each handler its capabilities. Nothing else constructs an AWS client.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createAppAuth } from '@octokit/auth-app';
import { loadConfig, type AwsConfig } from './config.js';
import { invokeAsync } from './aws/invoke.js';
import { defaultRetryPolicy } from './aws/retry.js';
import { s3BlobStore } from './aws/s3-blobs.js';
import { cachedSecret } from './aws/secrets.js';
import { installationClient, type GitHub } from './github/app-client.js';
import { interpreter } from './interpret/interpreter.js';
import { dynamoStore, type Store } from './store/store.js';
import { stepper } from './run/stepper.js';

export interface Production {
  readonly config: AwsConfig;
  readonly store: Store;
  readonly ecs: ECSClient;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  readonly logs: CloudWatchLogsClient;
  readonly scheduler: SchedulerClient;
  readonly webhookSecret: () => Promise<string>;
  /** A GitHub client per installation (needs the App key: call `githubReady()` first). */
  readonly github: (installationId: number) => GitHub;
  readonly githubReady: () => Promise<void>;
  readonly gitToken: (installationId: number) => Promise<string>;
  readonly presign: (bucket: string, key: string, expiresInSeconds: number) => Promise<string>;
  readonly startPlanner: (request: unknown) => Promise<void>;
  readonly stepper: ReturnType<typeof stepper>;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

let cached: Production | undefined;

const log = (message: string, detail?: Record<string, unknown>) => console.log(JSON.stringify({ message, ...detail }));

export const production = (): Production => {
  if (cached) return cached;
  const config = loadConfig(process.env);
  const region = config.region;
  const opts = region ? { region } : {};
  const dynamo = new DynamoDBClient(opts);
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const s3 = new S3Client(opts);
  const ecs = new ECSClient(opts);
  const lambda = new LambdaClient(opts);
  const logs = new CloudWatchLogsClient(opts);
  const scheduler = new SchedulerClient(opts);
  const secrets = new SecretsManagerClient(opts);
  const store = dynamoStore(doc, config.tableName, s3BlobStore(s3, config.artifactsBucket));
  const privateKey = cachedSecret(secrets, config.githubPrivateKeySecretArn, Date.now);
  let key: string | undefined;
  const clients = new Map<number, GitHub>();
  const githubReady = async () => {
    key = await privateKey();
  };
  const github = (installationId: number): GitHub => {
    if (key === undefined) throw new Error('the GitHub App key is not loaded: await githubReady() first');
    let c = clients.get(installationId);
    if (!c) clients.set(installationId, (c = installationClient({ appId: config.githubAppId, privateKey: key }, installationId)));
    return c;
  };
  const gitToken = async (installationId: number): Promise<string> => {
    await githubReady();
    const auth = createAppAuth({ appId: config.githubAppId, privateKey: key!, installationId });
    return (await auth({ type: 'installation' })).token;
  };
  const deps = {
    config, ecs, lambda, images: store.images, github, gitToken, retry: defaultRetryPolicy, now: Date.now, log,
  };
  cached = {
    config,
    store,
    ecs,
    lambda,
    s3,
    logs,
    scheduler,
    webhookSecret: cachedSecret(secrets, config.webhookSecretArn, Date.now),
    github,
    githubReady,
    gitToken,
    presign: (Bucket, Key, expiresIn) => getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn }),
    startPlanner: (request) => invokeAsync(lambda, config.plannerFunctionName, request),
    stepper: stepper({
      store,
      interpret: interpreter(deps),
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      inlineWaitMs: 20_000,
      log,
    }),
    log,
  };
  return cached;
};
