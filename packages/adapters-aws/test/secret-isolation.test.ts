// A job of repository B cannot reach repository A's secrets through the file system. Two runs —
// A's and B's, each declaring a secret — are opened by the core reducer with a deployment's
// settings; the stepper's interpreter reads each run's secrets (Secrets Manager asked for the
// run's own repository only) and the real efs function writes them on a temporary root standing
// in for EFS. Then B's job does its worst with what it can reach: every folder its task
// definitions mount, through the access points the stepper would create for them (EFS roots
// the client there: nothing above is reachable, and links resolve on the client, inside the
// mount), where it also plants links to A's secret. Neither the folders B's job can reach nor
// the zip the efs function makes of B's output hold A's value; B's own secret is there.
// (The SDK side, the job role's IAM, is simulated in packages/infra/test/isolation.test.ts.)
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { reduce, initialState, type Command, type RegisterTaskDefinition, type RunEvent, type RunRequested } from '@hyperp/core';
import { syntheticRunRequested } from '@hyperp/core/sim';
import { mockClient } from 'aws-sdk-client-mock';
import { unzipSync } from 'fflate';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { accessPointInput, hyperpVolumeAccess } from '../src/efs/access-points.js';
import { realFolderOf } from '../src/efs/folders.js';
import { efsHandler, type EfsRequest } from '../src/handlers/efs.js';
import type { InterpreterDeps } from '../src/interpret/deps.js';
import { interpreter } from '../src/interpret/interpreter.js';
import type { RunMeta } from '../src/run/meta.js';
import { startS3Local, type LocalS3 } from './support/s3-local.js';
import { testEnv } from './support/env.js';

const config = loadConfig(testEnv);
const BUCKET = 'hyperp-artifacts-test';
const VALUES: Record<string, string> = { 'acme/a': 'A-only-value-93f1', 'other/b': 'B-own-value-51c7' };
const sm = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);
const asked: string[] = [];

const settings = {
  render: {
    region: 'us-east-1', imageRepository: config.ecrRepositoryUri,
    efs: { fileSystemId: config.efsFileSystemId, rootDirectory: config.efsRootDirectory },
    logGroup: config.taskLogGroup, familyPrefix: config.familyPrefix,
    executionRoleArn: config.taskExecutionRoleArn, taskRoleArn: config.jobTaskRoleArn, secretsOnEfs: true,
  },
  priceRegion: 'us-east-1', artifactsBucket: BUCKET,
};
const runOf = (runId: string, commit: string): RunRequested => {
  const base = syntheticRunRequested(
    { name: 'etl', jobs: [{ name: 'extract', imageAction: 'reuse' }, { name: 'load', dependsOn: ['extract'], imageAction: 'reuse' }] },
    { runId, at: 1_800_000_000_000, commit },
  );
  return {
    ...base,
    settings: { ...base.settings, render: { ...base.settings.render, ...settings.render }, artifactsBucket: BUCKET },
    workflow: { ...base.workflow, jobs: base.workflow.jobs.map((j) => ({ ...j, secrets: [{ name: 'db_password' }] })) },
  };
};
const commandsOf = (r: RunRequested): Command[] => {
  let state = initialState();
  return ([r, { _tag: 'DirectoriesEnsured', at: r.at + 1 }] as RunEvent[]).flatMap((e) => {
    const [next, commands] = reduce(state, e);
    state = next;
    return [...commands];
  });
};

let root: string;
let s3: LocalS3;
const t = suite('a job of repository B and repository A\'s secrets, on the file system');
t.before(async () => {
  root = mkdtempSync(join(tmpdir(), 'hyperp-isolation-'));
  s3 = await startS3Local([BUCKET]);
  const efs = efsHandler({ root, s3: s3.s3, events: { append: async () => undefined } as never, now: Date.now });
  sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => {
    asked.push(input.SecretId);
    const [, owner, repo] = input.SecretId.split('/');
    return { Name: input.SecretId, SecretString: VALUES[`${owner}/${repo}`], VersionId: 'v1' };
  });
  lambda.on(InvokeCommand).callsFake(async (input) => {
    const out = await efs(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as EfsRequest);
    return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(out)) };
  });
});
t.after(async () => {
  sm.restore();
  lambda.restore();
  await s3.stop();
  rmSync(root, { recursive: true, force: true });
});

const deps = (): InterpreterDeps => ({
  config, ecs: { send: async () => assert.unreachable('ECS was called') } as never, lambda: new LambdaClient({ region: 'us-east-1' }),
  secrets: new SecretsManagerClient({ region: 'us-east-1' }), images: {} as never, github: () => assert.unreachable('GitHub') as never,
  contexts: {} as never, wakeups: async () => undefined, now: () => 1_800_000_000_000, log: () => undefined,
});
const metaOf = (r: RunRequested, repo: string): RunMeta => ({
  runId: r.runId, repo, installationId: 1, branch: 'main', commit: r.commit, workflow: 'etl', trigger: 'push',
});

/** Every file and link under a folder, without following a link: what a client rooted there can open. */
const reachable = (dir: string): { path: string; text: string }[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) return reachable(p);
    if (st.isSymbolicLink()) return [{ path: p, text: `-> ${readlinkSync(p)}` }];
    return st.isFile() ? [{ path: p, text: readFileSync(p, 'latin1') }] : [];
  });

t('B\'s job reaches B\'s secret and nothing of A\'s: not through its mounts, not through links it plants, not through the zip of its output', async () => {
  const a = runOf('20261203-100000-aaaaaaaaaa', 'a'.repeat(40));
  const b = runOf('20261203-100000-bbbbbbbbbb', 'b'.repeat(40));
  const run = interpreter(deps());
  for (const [r, repo] of [[a, 'acme/a'], [b, 'other/b']] as const) {
    const ensure = commandsOf(r).find((c) => c._tag === 'EnsureDirectories')!;
    assert.equal(await run(ensure, metaOf(r, repo)), [{ _tag: 'DirectoriesEnsured', at: 1_800_000_000_000 }]);
  }
  // Each run's secrets were read from its own repository's folder of the store, once.
  assert.equal(asked, [`${config.familyPrefix}/acme/a/db_password`, `${config.familyPrefix}/other/b/db_password`]);

  const aSecretFolders = commandsOf(a).flatMap((c) => (c._tag === 'EnsureDirectories' ? (c.secrets ?? []).map((s) => s.path) : []));
  assert.is(aSecretFolders.length, 2);
  const aSecretFile = join(root, realFolderOf(aSecretFolders[0]!.replace(/\/[^/]+$/, '')), 'db_password');
  assert.is(readFileSync(aSecretFile, 'utf8'), VALUES['acme/a']);

  // What B's jobs mount: each volume through the access point the stepper creates for it.
  const registrations = commandsOf(b).filter((c): c is RegisterTaskDefinition => c._tag === 'RegisterTaskDefinition');
  assert.is(registrations.length, 2);
  const roots = registrations.flatMap((c) => hyperpVolumeAccess(c.taskDefinition as never, config).map((v) => {
    const path = accessPointInput({ fileSystemId: config.efsFileSystemId, efsRootDirectory: config.efsRootDirectory, familyPrefix: config.familyPrefix }, b.runId, v.layoutPath, v.mode).RootDirectory!.Path!;
    assert.ok(path.startsWith(`${config.efsRootDirectory}/`), path);
    return { volume: v.volume, layoutPath: v.layoutPath, dir: join(root, path.slice(config.efsRootDirectory.length + 1)) };
  }));
  assert.ok(roots.some((r) => r.volume === 'hyperp-secrets') && roots.some((r) => r.volume === 'hyperp-output'));

  // B's job, with write access to its own output, plants links to A's secret there.
  const output = roots.find((r) => r.volume === 'hyperp-output')!;
  symlinkSync(aSecretFile, join(output.dir, 'absolute-link'));
  symlinkSync(relative(output.dir, aSecretFile), join(output.dir, 'relative-link'));
  symlinkSync(join(aSecretFile, '..'), join(output.dir, 'folder-link'));

  const seen = roots.flatMap((r) => reachable(r.dir));
  assert.ok(seen.some((f) => f.text === VALUES['other/b']), 'B\'s own secret is reachable (the walk sees files)');
  assert.equal(seen.filter((f) => f.text.includes(VALUES['acme/a']!)), []);
  // No folder B mounts is A's secrets folder, or holds it.
  for (const r of roots) assert.not.ok(aSecretFile.startsWith(`${r.dir}/`), `${r.volume} holds A's secret folder`);

  // The efs function zips B's output (a download): links are not followed into A's secret.
  const zip = await efsHandler({ root, s3: s3.s3, events: { append: async () => undefined } as never, now: Date.now })({
    op: 'zip', runId: b.runId, job: 'extract', sourcePath: output.layoutPath, bucket: BUCKET, objectKey: 'b/extract.zip', appendEvent: false,
  });
  assert.is(zip.op, 'zip');
  const body = await (await s3.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'b/extract.zip' }))).Body!.transformToByteArray();
  const entries = unzipSync(body);
  for (const [name, bytes] of Object.entries(entries)) {
    assert.not.ok(Buffer.from(bytes).toString('latin1').includes(VALUES['acme/a']!), `zip entry ${name} holds A's secret`);
  }
  assert.not.ok(Buffer.from(body).toString('latin1').includes(VALUES['acme/a']!));
});

t.run();
