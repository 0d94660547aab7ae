/**
 * The one production wiring: reads the configuration and builds each SDK client once per Lambda
 * container, on first use. Nothing else constructs an AWS client. Each piece is its own
 * function so a handler's bundle holds only the clients that handler uses.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EFSClient } from '@aws-sdk/client-efs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig, type AwsConfig } from './config.js';
import { invokeAsync } from './aws/invoke.js';
import { presignGet, type PresignedGet } from './aws/presign.js';
import { wakeupQueue } from './aws/wakeup-queue.js';
import { s3BlobStore } from './aws/s3-blobs.js';
import { cachedSecret } from './aws/secrets.js';
import { grantsChecks, installationClient, type GitHub } from './github/app-client.js';
import { interpreter } from './interpret/interpreter.js';
import { buildContexts } from './contexts/upload.js';
import { checkReporter } from './report/check-reporter.js';
import { pullRequestSummary } from './report/pull-request-reporter.js';
import { stepper } from './run/stepper.js';
import { secretMasks } from './secrets/run-mask.js';
import { bodyCodec } from './store/body.js';
import type { TableContext } from './store/context.js';
import { eventLog, type EventLog } from './store/event-log.js';
import { dynamoStore, type Store } from './store/store.js';

const once = <T>(make: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
};

export const log = (message: string, detail?: Record<string, unknown>): void => console.log(JSON.stringify({ message, ...detail }));

export const config = /* @__PURE__ */ once((): AwsConfig => loadConfig(process.env));
const clientOptions = () => (config().region ? { region: config().region } : {});

export const s3 = /* @__PURE__ */ once(() => new S3Client(clientOptions()));
export const ecs = /* @__PURE__ */ once(() => new ECSClient(clientOptions()));
export const ecr = /* @__PURE__ */ once(() => new ECRClient(clientOptions()));
export const efs = /* @__PURE__ */ once(() => new EFSClient(clientOptions()));
export const lambda = /* @__PURE__ */ once(() => new LambdaClient(clientOptions()));
export const logs = /* @__PURE__ */ once(() => new CloudWatchLogsClient(clientOptions()));
export const scheduler = /* @__PURE__ */ once(() => new SchedulerClient(clientOptions()));
export const sqs = /* @__PURE__ */ once(() => new SQSClient(clientOptions()));
export const secrets = /* @__PURE__ */ once(() => new SecretsManagerClient(clientOptions()));

/** The whole store, spilling large bodies to S3 (states, run requests). */
export const storeWithSpill = /* @__PURE__ */ once((): Store => dynamoStore(doc(), config().tableName, s3BlobStore(s3(), config().artifactsBucket)));
const doc = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions()), { marshallOptions: { removeUndefinedValues: true } }),
);
const smallBodies = (): TableContext => ({ doc: doc(), tableName: config().tableName, codec: bodyCodec(undefined) });
/**
 * Only the event log, or only the delivery ids: handlers that need one part of the store take
 * just it, so their bundle (and the IAM actions derived from it) holds nothing else.
 */
export const events = /* @__PURE__ */ once((): EventLog => eventLog(smallBodies()));
export const webhookSecret = /* @__PURE__ */ once(() => cachedSecret(secrets(), config().webhookSecretArn, Date.now));
const privateKey = /* @__PURE__ */ once(() => cachedSecret(secrets(), config().githubPrivateKeySecretArn, Date.now));

/** The masks of runs' logs, their values kept a short while by the container (`secrets/run-mask.ts`). */
export const masks = /* @__PURE__ */ once(() => secretMasks(secrets(), config().familyPrefix, Date.now));

/** GitHub clients per App installation; `await githubReady()` first (it reads the App key). */
export const gitHubApp = /* @__PURE__ */ once(() => {
  let key: string | undefined;
  const clients = new Map<number, GitHub>();
  const ready = async (): Promise<void> => {
    key = await privateKey()();
  };
  const client = (installationId: number): GitHub => {
    if (key === undefined) throw new Error('the GitHub App key is not loaded: await ready() first');
    let c = clients.get(installationId);
    if (!c) clients.set(installationId, (c = installationClient({ appId: config().githubAppId, privateKey: key }, installationId)));
    return c;
  };
  return { ready, client };
});

/**
 * The run's GitHub check run (when the installation granted `checks: write`), shared by the
 * stepper and the sweep; `await gitHubApp().ready()` first.
 */
export const checks = /* @__PURE__ */ once(() => {
  const gh = gitHubApp();
  return checkReporter({
    github: gh.client,
    usesChecks: (id) => grantsChecks(gh.client(id)),
    records: storeWithSpill().checks,
    logs: { client: logs(), logGroup: config().taskLogGroup, masks: masks() },
    detailsUrl: () => null,
    pullRequests: pullRequestSummary({ store: storeWithSpill(), github: gh.client }),
    now: Date.now,
    log,
  });
});

export const presign = (bucket: string, key: string, expiresIn: number): Promise<PresignedGet> => presignGet(s3(), bucket, key, expiresIn, Date.now);

export const startPlanner = (request: unknown): Promise<void> => invokeAsync(lambda(), config().plannerFunctionName, request);

/** Wake-ups at most this far ahead are waited for inside the stepper; later ones are queued. */
const INLINE_WAIT_MS = 20_000;

export const runStepper = /* @__PURE__ */ once(() => {
  const st = storeWithSpill();
  const gh = gitHubApp();
  return stepper({
    store: st,
    interpret: interpreter({
      config: config(), ecs: ecs(), lambda: lambda(), efs: efs(), secrets: secrets(), images: st.images, github: gh.client,
      contexts: buildContexts({ s3: s3(), bucket: config().artifactsBucket, github: gh.client, images: st.images, now: Date.now }),
      wakeups: wakeupQueue({ sqs: sqs(), queueUrl: config().wakeupQueueUrl, inlineWaitMs: INLINE_WAIT_MS, now: Date.now }),
      usesChecks: (id) => grantsChecks(gh.client(id)),
      now: Date.now, log,
    }),
    report: checks().report,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    inlineWaitMs: INLINE_WAIT_MS,
    log,
    // An async payload may be 256 KB (Lambda quotas, read 2026-11); larger batches of results are
    // regenerated instead by carrying out the unconfirmed outbox again.
    continueLater: (runId, events) =>
      invokeAsync(lambda(), config().stepperFunctionName, JSON.stringify(events).length < 200_000 ? { runId, events } : { runId }),
  });
});
