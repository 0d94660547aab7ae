/**
 * The calculator, end to end on the AWS adapter: a signed push webhook → planner (GitHub
 * stand-in over a real git repository) → stepper driven by an emulated table stream → the
 * interpreter against mocked ECS and Lambda (the EFS helper runs in-process on a temp dir and
 * zips to s3rver) → ECS task state changes fed back through the task-event handler as
 * EventBridge would deliver them: some twice, some STOPPED before RUNNING. Every AWS call is
 * counted. Used by `e2e.test.ts` and `bench/calls.bench.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteTaskDefinitionsCommand, DeregisterTaskDefinitionCommand, DescribeTaskDefinitionCommand, ECSClient,
  RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { sign } from '@octokit/webhooks-methods';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { realFolderOf } from '../../src/efs/folders.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { invokeAsync } from '../../src/aws/invoke.js';
import { grantsChecks, installationClient } from '../../src/github/app-client.js';
import { checkReporter } from '../../src/report/check-reporter.js';
import { pullRequestSummary } from '../../src/report/pull-request-reporter.js';
import { efsHandler, type EfsRequest } from '../../src/handlers/efs.js';
import { streamHandler } from '../../src/handlers/stream.js';
import { taskEventsHandler, type TaskStateChange } from '../../src/handlers/task-events.js';
import { webhookHandler } from '../../src/handlers/webhook.js';
import { interpreter } from '../../src/interpret/interpreter.js';
import { planner } from '../../src/planner/planner.js';
import type { PlanRequest } from '../../src/planner/request.js';
import { stepper } from '../../src/run/stepper.js';
import { EVENT_SK_PREFIX } from '../../src/store/table.js';
import { dynamoStore, type Store } from '../../src/store/store.js';
import { pushPayload } from './github-shapes.js';
import { webhookPayloadProblems } from './github-openapi.js';
import { jobHash } from '@hyperp/core/internal';
import { rerunFromGitHub } from '../../src/planner/rerun-from-github.js';
import type { GitHubRerunRequest } from '../../src/github/check-run-events.js';
import type { PullRequestSummaryRequest } from '../../src/github/pull-request-events.js';
import { testEnv } from './env.js';
import { CALCULATOR } from './calculator-request.js';
import { wakeupQueue } from '../../src/aws/wakeup-queue.js';
import { buildContexts } from '../../src/contexts/upload.js';
import { gitRepoFrom } from './git-repo.js';
import { startGitHubFake, type GitHubFake } from './github-server.js';
import type { LocalDynamo } from './dynamodb-local.js';
import type { LocalS3 } from './s3-local.js';

export const WEBHOOK_SECRET = 'calculator-secret';
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

export interface E2EResult {
  readonly store: Store;
  readonly runId: string;
  readonly commit: string;
  readonly webhook: { statusCode: number; body: string };
  readonly runTaskInputs: RunTaskCommandInput[];
  readonly wakeupMessages: SendMessageCommandInput[];
  readonly statuses: GitHubFake['statuses'];
  /** The GitHub stand-in (its check runs and check-run writes), open until `cleanup`. */
  readonly gh: GitHubFake;
  /**
   * Delivers a signed webhook (its payload judged by GitHub's webhook description first) and runs
   * what it asked the planner function for; answers the webhook's reply and the planner's results.
   */
  readonly deliver: (event: string, payload: Record<string, unknown>, deliveryId: string) => Promise<{ webhook: { statusCode: number; body: string }; planned: unknown[] }>;
  /** Drives a run to its end as in the first run: the stream steps it, ECS reports its tasks. */
  readonly drive: (runId: string) => Promise<void>;
  readonly ecsEventsDelivered: number;
  readonly calls: { dynamodb: Record<string, number>; ecs: Record<string, number>; lambda: number; s3: number; github: number };
  /** Every AWS request of the run as text (command and input, bodies included), in order. */
  readonly awsRequests: string[];
  /** Every line the planner, the stepper and the stream handler logged. */
  readonly logLines: readonly string[];
  /** The installation tokens the GitHub stand-in minted. */
  readonly githubTokens: readonly string[];
  readonly artifactsRoot: string;
  /** Each secrets folder the efs function was asked to remove: its files, modes and bytes, as they were. */
  readonly secretFoldersRemoved: readonly { readonly path: string; readonly dirMode: number; readonly files: Record<string, { mode: number; text: string }> }[];
  readonly cleanup: () => Promise<void>;
}

type Attr = { S: string } | { N: string } | { B: string } | { BOOL: boolean };
const toStreamImage = (item: Record<string, unknown>): Record<string, Attr> =>
  Object.fromEntries(
    Object.entries(item).map(([k, v]): [string, Attr] => [
      k,
      typeof v === 'string' ? { S: v } : typeof v === 'number' ? { N: String(v) } : typeof v === 'boolean' ? { BOOL: v } : { B: Buffer.from(v as Uint8Array).toString('base64') },
    ]),
  );

const bump = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

/** A request's input as searchable text: bytes as latin1, so any byte sequence of a secret shows. */
const requestText = (service: string, command: string, input: unknown): string =>
  `${service} ${command} ${JSON.stringify(input, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'bigint' ? String(v) : v)}`;

export interface E2EOptions {
  /** Deliver some ECS events twice and some STOPPED before RUNNING (default true). */
  readonly noisy?: boolean;
  /** Jobs whose tasks exit 1 (the set may be changed between runs). */
  readonly failing?: Set<string>;
  /** An open pull request whose head is the pushed commit, merging into `baseRef`. */
  readonly pullRequest?: { readonly number: number; readonly baseRef: string };
  /**
   * Secrets the workflow declares for every job, with the values Secrets Manager holds for the
   * repository (`{prefix}/acme/calculator/{name}`); a name without a value is not set there.
   */
  readonly secrets?: Readonly<Record<string, string | null>>;
}

export const runCalculatorEndToEnd = async (local: LocalDynamo, s3: LocalS3, options: E2EOptions = {}): Promise<E2EResult> => {
  const noisy = options.noisy ?? true;
  const config = loadConfig({ ...testEnv, HYPERP_ARTIFACTS_BUCKET: 'hyperp-artifacts-test' });
  const clock = { now: T0 };
  const now = () => clock.now;

  // DynamoDB Local, every command counted.
  const dynamoCalls: Record<string, number> = {};
  const awsRequests: string[] = [];
  // What the handlers log (CloudWatch Logs in production), as one line each.
  const logLines: string[] = [];
  const log = (message: string, detail?: Record<string, unknown>) => void logLines.push(JSON.stringify({ message, ...detail }));
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add((next, context) => async (args) => {
    bump(dynamoCalls, String(context.commandName).replace(/Command$/, ''));
    awsRequests.push(requestText('dynamodb', String(context.commandName), args.input));
    return next(args);
  }, { step: 'initialize', name: 'countCalls' });
  const uncounted = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = await local.createTable();
  const store = dynamoStore(doc, tableName);

  // The table's stream: every event item a write inserted (a PutItem, or a Put of a committed
  // transaction), in order, as NEW_IMAGE records. A refused conditional put inserts nothing.
  const stream: DynamoDBStreamEvent['Records'] = [];
  let seq = 0;
  const send = doc.send.bind(doc) as (c: unknown) => Promise<unknown>;
  const isEventItem = (item: unknown): item is Record<string, unknown> =>
    typeof (item as { sk?: unknown } | undefined)?.sk === 'string' && (item as { sk: string }).sk.startsWith(EVENT_SK_PREFIX);
  (doc as { send: unknown }).send = async (command: unknown) => {
    const out = await send(command);
    const inserted =
      command instanceof PutCommand ? [command.input.Item]
      : command instanceof TransactWriteCommand ? (command.input.TransactItems ?? []).map((a) => a.Put?.Item)
      : [];
    for (const item of inserted.filter(isEventItem)) {
      stream.push({
        eventName: 'INSERT',
        dynamodb: { NewImage: toStreamImage(item) as never, SequenceNumber: String(++seq).padStart(21, '0'), StreamViewType: 'NEW_IMAGE' },
      });
    }
    return out;
  };
  // What the harness itself reads (is the run done yet?) is not the platform's, and not counted.
  const peek = dynamoStore(DynamoDBDocumentClient.from(uncounted, { marshallOptions: { removeUndefinedValues: true } }), tableName);

  const repo = gitRepoFrom(CALCULATOR);
  if (options.secrets) {
    const file = join(repo.dir, 'hyperp-workflows/calculator.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nsecrets: [${Object.keys(options.secrets).join(', ')}]\n`);
    repo.commit('declare secrets');
  }
  // Secrets Manager holds the repository's secrets (aws-sdk-client-mock: it has no local stand-in).
  const secretsManager = mockClient(SecretsManagerClient);
  secretsManager.on(GetSecretValueCommand).callsFake((input: { SecretId: string; VersionStage?: string }) => {
    const name = input.SecretId.slice(`${config.familyPrefix}/acme/calculator/`.length);
    // Each value was set once: there is none before it (AWSPREVIOUS).
    const value = input.SecretId.startsWith(`${config.familyPrefix}/acme/calculator/`) && input.VersionStage === undefined ? options.secrets?.[name] : undefined;
    if (typeof value !== 'string') throw Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    return { Name: input.SecretId, SecretString: value, VersionId: 'v1' };
  });
  const gh = await startGitHubFake(repo);
  const github = (id: number) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id);
  const artifactsRoot = mkdtempSync(join(tmpdir(), 'hyperp-efs-'));

  // ECS: RunTask answers like ECS does for a clientToken it has seen (the same task).
  const ecs = mockClient(ECSClient);
  const tasks = new Map<string, { arn: string; input: RunTaskCommandInput }>();
  let revision = 0;
  ecs.on(DescribeTaskDefinitionCommand).rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }));
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input) => ({
    taskDefinition: { taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${input.family}:${++revision}` },
  }));
  ecs.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => {
    const known = tasks.get(input.clientToken!);
    const arn = known?.arn ?? `arn:aws:ecs:us-east-1:123456789012:task/hyperp/${createHash('sha256').update(input.clientToken!).digest('hex').slice(0, 32)}`;
    if (!known) tasks.set(input.clientToken!, { arn, input });
    return { tasks: [{ taskArn: arn, startedBy: input.startedBy, group: input.group, lastStatus: 'PROVISIONING' }], failures: [] };
  });
  ecs.on(StopTaskCommand).resolves({});
  ecs.on(DeregisterTaskDefinitionCommand).resolves({});
  ecs.on(DeleteTaskDefinitionsCommand).resolves({ failures: [] });

  // Lambda: the planner is invoked asynchronously (run below), the EFS helper in-process.
  const lambda = mockClient(LambdaClient);
  const secretFoldersRemoved: E2EResult['secretFoldersRemoved'][number][] = [];
  const plannerQueue: (PlanRequest | GitHubRerunRequest | PullRequestSummaryRequest)[] = [];
  const efs = efsHandler({ root: artifactsRoot, s3: s3.s3, events: store.events, now });
  let s3Calls = 0;
  s3.s3.middlewareStack.add((next, context) => async (args) => {
    s3Calls++;
    awsRequests.push(requestText('s3', String(context.commandName), args.input));
    return next(args);
  }, { step: 'initialize', name: 'countS3' });
  lambda.on(InvokeCommand).callsFake(async (input) => {
    const payload = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
    if (input.FunctionName === config.plannerFunctionName) {
      plannerQueue.push(payload as PlanRequest | GitHubRerunRequest | PullRequestSummaryRequest);
      return { StatusCode: 202 };
    }
    if (input.FunctionName === config.efsFunctionName) {
      const request = payload as EfsRequest;
      if (request.op === 'rmdirs') {
        for (const path of request.paths) {
          const real = join(artifactsRoot, realFolderOf(path));
          if (!existsSync(real)) continue;
          secretFoldersRemoved.push({
            path, dirMode: statSync(real).mode & 0o777,
            files: Object.fromEntries(readdirSync(real).map((f) => [f, { mode: statSync(join(real, f)).mode & 0o777, text: readFileSync(join(real, f), 'utf8') }])),
          });
        }
      }
      // Jobs write their outputs where the EFS helper zips them from.
      if (request.op === 'zip') writeFileSync(join(artifactsRoot, request.sourcePath, 'result.txt'), `${request.job}\n`);
      try {
        const out = await efs(request);
        return input.InvocationType === 'Event' ? { StatusCode: 202 } : { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(out)) };
      } catch (e) {
        return { StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode(JSON.stringify({ errorType: 'Error', errorMessage: (e as Error).message })) };
      }
    }
    throw new Error(`unexpected function ${input.FunctionName}`);
  });
  // SQS: the wake-ups further ahead than the stepper waits in-process.
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  const lambdaClient = new LambdaClient({ region: 'us-east-1' });
  const ecsClient = new ECSClient({ region: 'us-east-1' });

  // What the installation granted, asked once per installation (auth-app caches it with the token).
  const granted = new Map<number, Promise<boolean>>();
  const usesChecks = (id: number) => granted.get(id) ?? granted.set(id, grantsChecks(github(id))).get(id)!;
  if (options.pullRequest) gh.pulls.push({ number: options.pullRequest.number, headSha: repo.git('rev-parse', 'HEAD'), baseRef: options.pullRequest.baseRef });
  const reporter = checkReporter({
    github, usesChecks, records: store.checks, pullRequests: pullRequestSummary({ store, github }), detailsUrl: (id) => `https://hyperp.example.com/runs/${id}`, now, log,
  });
  const step = stepper({
    store,
    report: reporter.report,
    interpret: interpreter({
      config, ecs: ecsClient, lambda: lambdaClient, images: store.images, github, usesChecks, secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      contexts: buildContexts({ s3: s3.s3, bucket: config.artifactsBucket, github, images: store.images, now }),
      wakeups: wakeupQueue({ sqs: new SQSClient({ region: 'us-east-1' }), queueUrl: config.wakeupQueueUrl, inlineWaitMs: 20_000, now }),
      now, log,
    }),
    now, sleep: async (ms) => void (clock.now += ms), inlineWaitMs: 20_000, log,
  }).step;
  const onStream = streamHandler({ step, log });
  const onTaskEvent = taskEventsHandler({ events: store.events, now });

  const failing = options.failing ?? new Set<string>();
  const failingHashes = () => new Set([...failing].map(jobHash));
  const plan = planner({ store, config, github, now, log, usesChecks, imagesInRegistry: async (tags) => new Set(tags) });
  const rerun = rerunFromGitHub({ store, now, log, imagesInRegistry: async (tags) => new Set(tags) });
  const summarise = pullRequestSummary({ store, github });
  const deliver = async (event: string, payload: Record<string, unknown>, deliveryId: string) => {
    const problems = webhookPayloadProblems(event, payload);
    if (problems.length > 0) throw new Error(`a ${event} payload GitHub's webhook description rejects: ${problems.join('; ')}`);
    const body = JSON.stringify(payload);
    const webhook = await webhookHandler({
      webhookSecret: async () => WEBHOOK_SECRET, now, appId: gh.appId,
      startPlanner: (r) => invokeAsync(lambdaClient, config.plannerFunctionName, r),
    })({
      version: '2.0', routeKey: '$default', rawPath: '/', rawQueryString: '', isBase64Encoded: false, body,
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': deliveryId, 'x-hub-signature-256': await sign(WEBHOOK_SECRET, body) },
      requestContext: {} as LambdaFunctionURLEvent['requestContext'],
    });
    // Lambda runs the planner function it was asked for.
    const planned: unknown[] = [];
    for (const request of plannerQueue.splice(0)) {
      planned.push(request.kind === 'rerun' ? await rerun(request) : request.kind === 'pull-request-summary' ? await summarise(request) : await plan(request));
    }
    return { webhook: { statusCode: webhook.statusCode, body: webhook.body }, planned };
  };

  // 1. GitHub delivers the push; 2. Lambda runs the planner it was asked for.
  const commit = repo.git('rev-parse', 'HEAD');
  const first = await deliver('push', pushPayload({ ref: 'refs/heads/main', after: commit }), 'e2e-delivery-1');
  const webhook = first.webhook;
  const runId = (first.planned[0] as { runs: { runId: string }[] }).runs[0]!.runId;

  // 3. The stream drives the stepper; ECS reports the tasks it was asked to run.
  const reported = new Set<string>();
  let delivered = 0;
  let version = 0;
  const ecsEvent = (arn: string, input: RunTaskCommandInput, status: 'RUNNING' | 'STOPPED', v: number, at: number): TaskStateChange => ({
    version: '0', id: `ev-${arn.slice(-8)}-${status}`, 'detail-type': 'ECS Task State Change', source: 'aws.ecs', account: '123456789012',
    time: new Date(at).toISOString(), region: 'us-east-1', resources: [arn],
    detail: {
      taskArn: arn, group: input.group!, startedBy: input.startedBy!, lastStatus: status, version: v,
      cpu: input.overrides?.cpu ?? '256', memory: input.overrides?.memory ?? '512',
      containers: (input.overrides?.containerOverrides ?? []).map((c) => ({
        name: c.name!, ...(status === 'STOPPED' ? { exitCode: (input.tags ?? []).some((t) => t.key === 'hyperp:job' && failingHashes().has(t.value!)) ? 1 : 0 } : {}),
      })),
      ...(status === 'STOPPED' ? { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', stoppedAt: new Date(at).toISOString() } : {}),
      pullStartedAt: new Date(at - (status === 'STOPPED' ? 90_000 : 10_000)).toISOString(),
      startedAt: new Date(at - (status === 'STOPPED' ? 80_000 : 0)).toISOString(),
      updatedAt: new Date(at).toISOString(),
      attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
      ephemeralStorage: { sizeInGiB: 20 },
    },
  });
  const drive = async (runId: string) => {
  for (let round = 0; round < 50; round++) {
    while (stream.length > 0) {
      const batch = stream.splice(0, 100);
      const r = await onStream({ Records: batch });
      if (r.batchItemFailures.length > 0) throw new Error(`stepper failed on ${JSON.stringify(r.batchItemFailures)}`);
    }
    const saved = await peek.states.load(runId);
    if (saved && (saved.status === 'SUCCEEDED' || saved.status === 'FAILED' || saved.status === 'CANCELLED')) break;
    const fresh = [...tasks.values()].filter((t) => !reported.has(t.arn));
    if (fresh.length === 0) throw new Error(`run ${runId} is ${saved?.status} with nothing running`);
    for (const [i, t] of fresh.entries()) {
      reported.add(t.arn);
      clock.now += 90_000;
      const running = ecsEvent(t.arn, t.input, 'RUNNING', 2, clock.now - 80_000);
      const stopped = ecsEvent(t.arn, t.input, 'STOPPED', 4, clock.now);
      // EventBridge delivers at least once and in no particular order.
      const deliveries = !noisy ? [running, stopped] : i % 3 === 0 ? [stopped, running, stopped] : i % 3 === 1 ? [running, running, stopped] : [running, stopped];
      for (const d of deliveries) {
        await onTaskEvent(d);
        delivered++;
      }
    }
    version++;
  }
  };
  await drive(runId);

  return {
    store,
    runId,
    commit,
    webhook: { statusCode: webhook.statusCode, body: webhook.body },
    runTaskInputs: ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input),
    wakeupMessages: sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input),
    statuses: gh.statuses,
    gh,
    deliver,
    drive,
    ecsEventsDelivered: delivered,
    calls: {
      // A copy: what the platform called during the run, not what a test reads afterwards.
      dynamodb: { ...dynamoCalls },
      ecs: Object.fromEntries(
        [...new Set(ecs.calls().map((c) => c.args[0].constructor.name.replace(/Command$/, '')))].map((n) => [
          n, ecs.calls().filter((c) => c.args[0].constructor.name.replace(/Command$/, '') === n).length,
        ]),
      ),
      lambda: lambda.calls().length,
      s3: s3Calls,
      github: gh.requests.length,
    },
    awsRequests: [
      ...awsRequests,
      ...[[ 'ecs', ecs ], [ 'lambda', lambda ], [ 'sqs', sqs ], [ 'secretsmanager', secretsManager ]].flatMap(([name, mock]) =>
        (mock as typeof ecs).calls().map((c) => requestText(name as string, c.args[0].constructor.name, c.args[0].input))),
    ],
    githubTokens: gh.tokens(),
    logLines,
    artifactsRoot,
    secretFoldersRemoved,
    cleanup: async () => {
      ecs.restore();
      secretsManager.restore();
      lambda.restore();
      sqs.restore();
      s3.s3.middlewareStack.remove('countS3');
      client.destroy();
      uncounted.destroy();
      await gh.close();
      repo.remove();
      rmSync(artifactsRoot, { recursive: true, force: true });
    },
  };
};
