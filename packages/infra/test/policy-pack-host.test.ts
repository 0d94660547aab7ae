// The policy pack started the way `pulumi preview --policy-pack policy-pack` starts it: Pulumi's
// `pulumi-analyzer-policy` script resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's
// directory and runs it there with node (which registers ts-node whatever PulumiPolicy.yaml says).
// The pack must print its gRPC port; the engine then asks for its policies and sends the stack's
// resources. This test plays the engine's part over gRPC, with the mocked program's resources.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REGION, captured, fakeBundles, installMocks, settle } from './support/mocks.js';

const packDir = new URL('../policy-pack', import.meta.url).pathname;
const script = createRequire(join(packDir, 'index.cjs')).resolve('@pulumi/pulumi/cmd/run-policy-pack');
// The engine's side of the protocol, from the same Pulumi SDK the pack runs on.
const sdk = createRequire(script);
/* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC stubs without declarations reachable from here */
const grpc = sdk('@grpc/grpc-js') as any;
const { AnalyzerClient } = sdk('../../proto/analyzer_grpc_pb.js') as any;
const pb = sdk('../../proto/analyzer_pb.js') as any;
const { Empty } = sdk('google-protobuf/google/protobuf/empty_pb.js') as any;
const { Struct } = sdk('google-protobuf/google/protobuf/struct_pb.js') as any;

const bundles = await fakeBundles();
await installMocks({ 'aws:region': REGION, 'hyperp:githubAppId': '7', 'hyperp:bundlesDir': bundles }, 'dev');
await import('../src/program.js');
await settle();

/** Starts the pack as the analyzer script does; resolves with its port, or fails with its stderr. */
const startPack = (): Promise<{ child: ChildProcess; port: string }> =>
  new Promise((resolve, reject) => {
    // The engine address is not dialled before a request asks for it; the pack only serves.
    const child = spawn(process.execPath, [script, '127.0.0.1:1', '.', '-typescript=false'], { cwd: packDir });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const port = /^(\d+)\n/.exec(out)?.[1];
      if (port) resolve({ child, port });
    });
    child.on('exit', (code) => reject(new Error(`the policy pack exited with ${code} before printing its port:\n${err}`)));
  });

const { child, port } = await startPack();
// Stopped after the tests, and in any case when this process ends.
process.on('exit', () => child.kill());
const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const call = <T>(method: string, request: unknown): Promise<T> =>
  new Promise((resolve, reject) => client[method](request, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))));

const provider = new pb.AnalyzerProviderResource();
provider.setType('pulumi:providers:aws');
provider.setName('default');
provider.setUrn('urn:pulumi:dev::hyperp::pulumi:providers:aws::default');
provider.setProperties(Struct.fromJavaScript({}));

const resource = (r: { type: string; name: string; props: Record<string, unknown> }) => {
  const a = new pb.AnalyzerResource();
  a.setType(r.type);
  a.setName(r.name);
  a.setUrn(`urn:pulumi:dev::hyperp::${r.type}::${r.name}`);
  // What the engine sends is JSON-like: no undefined values.
  a.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
  a.setOptions(new pb.AnalyzerResourceOptions());
  a.setProvider(provider);
  return a;
};

const analyzeStack = async (resources: readonly { type: string; name: string; props: Record<string, unknown> }[]) => {
  const request = new pb.AnalyzeStackRequest();
  request.setResourcesList(resources.map(resource));
  const response = await call<any>('analyzeStack', request);
  return response.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), message: d.getMessage(), urn: d.getUrn(), level: d.getEnforcementlevel() }));
};

/** The engine's stand-in for a string not known before the resource exists (Pulumi's wire format). */
const UNKNOWN_STRING = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const ADVISORY = pb.EnforcementLevel.ADVISORY;
const MANDATORY = pb.EnforcementLevel.MANDATORY;

test('the pack starts under Pulumi\'s policy runner and names its policies and version', async () => {
  const info = await call<any>('getAnalyzerInfo', new Empty());
  const version = (JSON.parse(readFileSync(join(packDir, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal([info.getName(), info.getVersion()], ['hyperp-security', version]);
  assert.equal(info.getPoliciesList().map((p: any) => p.getName()), [
    'no-wildcard-table-actions',
    'no-public-bucket',
    'artifacts-file-system-closed',
    'no-unencrypted-storage',
    'function-log-retention',
    'job-task-role-no-control-plane',
    'job-task-role-denies-repository-secrets',
    'secrets-key-rotates',
    'job-task-role-denies-secrets-key',
    'build-roles-hold-no-credentials',
  ]);
});

test('the hosted pack passes the mocked program and reports an unencrypted, open file system added to it', async () => {
  assert.ok(captured.length > 50, `${captured.length} resources`);
  assert.equal(await analyzeStack(captured), []);
  const plain = { type: 'aws:efs/fileSystem:FileSystem', name: 'plain', props: { encrypted: false, arn: 'arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-plain' } };
  assert.equal(await analyzeStack([...captured, plain]), [
    {
      policy: 'artifacts-file-system-closed',
      message:
        'The artifacts file system requires TLS, grants nothing to everyone, and the job task role has no root on it.\n' +
        'file system plain has no file-system policy, so any client that reaches a mount target has full access',
      urn: 'urn:pulumi:dev::hyperp::aws:efs/fileSystem:FileSystem::plain',
      level: MANDATORY,
    },
    {
      policy: 'no-unencrypted-storage',
      message: 'File systems, buckets and queues are encrypted at rest.\nfile system plain is not encrypted (set encrypted: true)',
      urn: 'urn:pulumi:dev::hyperp::aws:efs/fileSystem:FileSystem::plain',
      level: MANDATORY,
    },
  ]);
});

test('on a first preview the bucket rules cannot see the bucket\'s id yet: advisory notes, not a failed preview', async () => {
  // A new bucket's id, which its public access block and encryption name, is known only once it exists.
  const preview = captured.map((r) =>
    r.type === 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock' ||
    r.type === 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration'
      ? { ...r, props: { ...r.props, bucket: UNKNOWN_STRING } }
      : r,
  );
  assert.equal(
    (await analyzeStack(preview)).map((d: { policy: string; message: string; level: number }) => [d.policy, d.level, d.message]),
    ['no-public-bucket', 'no-unencrypted-storage'].map((policy) => [
      policy,
      ADVISORY,
      `can't run policy '${policy}' from policy pack 'hyperp-security@v0.1.0' during preview: string value at .bucket can't be known during preview`,
    ]),
  );
});

test.after(() => {
  client.close();
  child.kill();
});

test.run();
