// The permissions manifest (src/contract/permissions.json, which the Pulumi program grants from)
// against the code: each handler's bundle is built unminified, and every AWS SDK command that
// hyperp's own code in it constructs (after tree-shaking) is mapped to the IAM actions it needs
// and the kind of resource it acts on. The two lists must be equal: a call without a grant, and
// a grant without a call, both fail here.
import { DOWNLOADABLE_PREFIX } from '@hyperp/core/internal';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleText, handlers } from '../scripts/bundle.mjs';
import environment from '../src/contract/environment.json' with { type: 'json' };
import permissions from '../src/contract/permissions.json' with { type: 'json' };
import { STATE_PREFIX } from '../src/aws/s3-blobs.js';
import { CONTEXTS_PREFIX } from '../src/contexts/upload.js';

type Need = readonly [action: string, kind: string | null];

/**
 * IAM actions of each SDK command hyperp calls (Service Authorization Reference, read 2026-11).
 * `null` as the kind: the resource depends on the calling module or on the configuration it
 * reads (see below). A command missing here fails the test until someone says what it needs.
 */
const SDK_COMMANDS: Readonly<Record<string, readonly Need[]>> = {
  'lib-dynamodb GetCommand': [['dynamodb:GetItem', 'table']],
  'lib-dynamodb PutCommand': [['dynamodb:PutItem', 'table']],
  'lib-dynamodb UpdateCommand': [['dynamodb:UpdateItem', 'table']],
  'lib-dynamodb DeleteCommand': [['dynamodb:DeleteItem', 'table']],
  'lib-dynamodb QueryCommand': [['dynamodb:Query', 'table']],
  'lib-dynamodb BatchGetCommand': [['dynamodb:BatchGetItem', 'table']],
  // A transaction needs the action of each of its parts; hyperp's one transaction (the run
  // listings, src/store/run-listing.ts) puts and deletes items.
  'lib-dynamodb TransactWriteCommand': [['dynamodb:PutItem', 'table'], ['dynamodb:DeleteItem', 'table']],
  'client-s3 GetObjectCommand': [['s3:GetObject', null]],
  // HEAD needs s3:GetObject, and s3:ListBucket on the bucket for a missing key to be a 404
  // rather than a 403 (S3 API Reference "HeadObject", read 2026-12).
  'client-s3 HeadObjectCommand': [['s3:GetObject', null], ['s3:ListBucket', 'artifactsBucket']],
  'client-s3 PutObjectCommand': [['s3:PutObject', null]],
  'client-s3 CreateMultipartUploadCommand': [['s3:PutObject', null]],
  'client-s3 UploadPartCommand': [['s3:PutObject', null]],
  'client-s3 CompleteMultipartUploadCommand': [['s3:PutObject', null]],
  'client-s3 AbortMultipartUploadCommand': [['s3:AbortMultipartUpload', null]],
  'client-lambda InvokeCommand': [['lambda:InvokeFunction', null]],
  'client-secrets-manager GetSecretValueCommand': [['secretsmanager:GetSecretValue', null]],
  'client-secrets-manager CreateSecretCommand': [['secretsmanager:CreateSecret', 'repositorySecrets']],
  'client-secrets-manager PutSecretValueCommand': [['secretsmanager:PutSecretValue', 'repositorySecrets']],
  // With SecretString and KmsKeyId: a new value under the deployment's key. The KMS actions it
  // needs on the key follow from this grant in the Pulumi program (infra `iam/secrets-key.ts`).
  'client-secrets-manager UpdateSecretCommand': [['secretsmanager:UpdateSecret', 'repositorySecrets']],
  'client-secrets-manager DeleteSecretCommand': [['secretsmanager:DeleteSecret', 'repositorySecrets']],
  // ListSecrets takes no resource ARN (Service Authorization Reference, AWS Secrets Manager, read 2026-12).
  'client-secrets-manager ListSecretsCommand': [['secretsmanager:ListSecrets', 'anySecret']],
  'client-ecr BatchGetImageCommand': [['ecr:BatchGetImage', 'imageRepository']],
  'client-cloudwatch-logs GetLogEventsCommand': [['logs:GetLogEvents', 'taskLogGroup']],
  // RunTask and RegisterTaskDefinition pass the roles their task definitions name, and tag what
  // they create (hyperp always sends tags).
  'client-ecs RunTaskCommand': [['ecs:RunTask', 'hyperpTaskDefinitionsOnCluster'], ['iam:PassRole', 'taskRoles'], ['ecs:TagResource', 'newTasksAndTaskDefinitions']],
  'client-ecs RegisterTaskDefinitionCommand': [['ecs:RegisterTaskDefinition', 'anyTaskDefinition'], ['iam:PassRole', 'taskRoles'], ['ecs:TagResource', 'newTasksAndTaskDefinitions']],
  'client-ecs DescribeTaskDefinitionCommand': [['ecs:DescribeTaskDefinition', 'anyTaskDefinition']],
  'client-ecs DeregisterTaskDefinitionCommand': [['ecs:DeregisterTaskDefinition', 'anyTaskDefinition']],
  'client-ecs DeleteTaskDefinitionsCommand': [['ecs:DeleteTaskDefinitions', 'hyperpTaskDefinitions']],
  'client-ecs StopTaskCommand': [['ecs:StopTask', 'clusterTasks']],
  'client-ecs DescribeTasksCommand': [['ecs:DescribeTasks', 'clusterTasks']],
  'client-ecs ListTasksCommand': [['ecs:ListTasks', 'cluster']],
  'client-sqs SendMessageCommand': [['sqs:SendMessage', null]],
  // The run's access points (src/efs/access-points.ts): tags on create need TagResource too
  // (EFS User Guide, "Tagging resources on creation", read 2026-12).
  'client-efs CreateAccessPointCommand': [['elasticfilesystem:CreateAccessPoint', 'newRunAccessPoints'], ['elasticfilesystem:TagResource', 'tagNewAccessPoints']],
  'client-efs DeleteAccessPointCommand': [['elasticfilesystem:DeleteAccessPoint', 'deploymentAccessPoints']],
  'client-efs DescribeAccessPointsCommand': [['elasticfilesystem:DescribeAccessPoints', 'artifactsAccessPoints']],
  'client-scheduler CreateScheduleCommand': [['scheduler:CreateSchedule', null], ['iam:PassRole', null]],
  'client-scheduler UpdateScheduleCommand': [['scheduler:UpdateSchedule', null], ['iam:PassRole', null]],
  'client-scheduler DeleteScheduleCommand': [['scheduler:DeleteSchedule', null]],
  'client-scheduler ListSchedulesCommand': [['scheduler:ListSchedules', 'anySchedule']],
};

/** Where an S3 or Scheduler call goes depends on the module that makes it. */
const MODULE_RESOURCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'src/aws/s3-blobs.ts': { s3: 'stateObjects' },
  'src/contexts/upload.ts': { s3: 'buildContexts' },
  'src/efs/zip-to-s3.ts': { s3: 'downloads' },
  'src/aws/presign.ts': { s3: 'downloads' },
  'src/schedules/sync.ts': { scheduler: 'cronSchedules', iam: 'cronScheduleRole' },
  'src/aws/wakeup-queue.ts': { sqs: 'wakeupQueue' },
  'src/secrets/read-secrets.ts': { secretsmanager: 'repositorySecrets' },
};

/** Which function a handler invokes and which secret it reads: the configuration its code reads. */
const CONFIG_RESOURCES: Readonly<Record<string, readonly [service: string, kind: string]>> = {
  plannerFunctionName: ['lambda', 'plannerFunction'],
  stepperFunctionName: ['lambda', 'stepperFunction'],
  efsFunctionName: ['lambda', 'efsFunction'],
  webhookSecretArn: ['secretsmanager', 'webhookSecret'],
  githubPrivateKeySecretArn: ['secretsmanager', 'githubAppKey'],
};

interface Section {
  readonly path: string;
  readonly code: string;
}

/** esbuild (unminified) starts each module's code with a `// path` line. */
const sectionsOf = (text: string): Section[] => {
  const out: { path: string; lines: string[] }[] = [{ path: '', lines: [] }];
  for (const line of text.split('\n')) {
    const m = /^\/\/ ([^\s]+\.(?:[cm]?js|ts|json))$/.exec(line);
    if (m) out.push({ path: m[1]!, lines: [] });
    else out.at(-1)!.lines.push(line);
  }
  return out.map((s) => ({ path: s.path, code: s.lines.join('\n') }));
};

/** What the code of one bundle needs, as sorted `kind action` lines, and where each comes from. */
const derive = (text: string): { needs: string[]; unknown: string[]; ownModules: string[] } => {
  const sections = sectionsOf(text);
  const definedIn = new Map<string, string>();
  for (const s of sections) {
    for (const m of s.code.matchAll(/^(?:var|let|const|class|function|async function) ([A-Za-z0-9_$]+)/gm)) definedIn.set(m[1]!, s.path);
  }
  const own = sections.filter((s) => s.path.startsWith('src/'));
  const needs = new Set<string>();
  const unknown: string[] = [];
  const configRead = (field: string) => own.some((s) => s.path !== 'src/config.ts' && new RegExp(`\\.${field}\\b`).test(s.code));
  for (const s of own) {
    for (const m of s.code.matchAll(/new ([A-Za-z0-9_$]+)\(/g)) {
      const c = /@aws-sdk\/([a-z0-9-]+)\/dist-es\/commands\/(\w+)\.js$/.exec(definedIn.get(m[1]!) ?? '');
      if (!c) continue;
      const command = `${c[1]} ${c[2]}`;
      const mapped = SDK_COMMANDS[command];
      if (!mapped) {
        unknown.push(`${command} in ${s.path}`);
        continue;
      }
      for (const [action, kind] of mapped) {
        const service = action.split(':')[0]!;
        if (kind !== null) {
          needs.add(`${kind} ${action}`);
          continue;
        }
        const byModule = MODULE_RESOURCES[s.path]?.[service];
        const byConfig = Object.entries(CONFIG_RESOURCES).filter(([f, [svc]]) => svc === service && configRead(f)).map(([, [, k]]) => k);
        if (byModule) needs.add(`${byModule} ${action}`);
        else if (byConfig.length > 0) for (const k of byConfig) needs.add(`${k} ${action}`);
        else unknown.push(`${command} in ${s.path}: which resource? (MODULE_RESOURCES or CONFIG_RESOURCES)`);
      }
    }
  }
  return { needs: [...needs].sort(), unknown, ownModules: own.map((s) => s.path) };
};

const declared = (fn: string): string[] => {
  const entries = (permissions.functions as Record<string, { actions: string[]; on: string }[]>)[fn] ?? [];
  return [...new Set(entries.flatMap((e) => e.actions.map((a) => `${e.on} ${a}`)))].sort();
};

const texts = new Map<string, string>();
const perms = suite('IAM permissions derived from the bundles');
perms.before(async () => {
  for (const name of handlers) texts.set(name, await bundleText(name));
});

perms('the manifest names every handler, and only those', () => {
  assert.equal(Object.keys(permissions.functions).sort(), [...handlers].sort());
});

for (const name of ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs']) {
  perms(`${name}: the manifest grants exactly what its code calls`, () => {
    const d = derive(texts.get(name)!);
    assert.ok(d.ownModules.includes(`src/lambda/${name}.ts`), `the bundle's module markers were not found: ${d.ownModules.join(', ')}`);
    assert.equal(d.unknown, []);
    assert.equal(declared(name), d.needs, `src/contract/permissions.json for ${name} (declared) against its code (derived)`);
  });
}

perms('the derivation: commands by the module that defines their class, resources by module and configuration', () => {
  const sdk = (pkg: string, cmd: string, id: string) =>
    `// ../../node_modules/.pnpm/@aws-sdk+${pkg}@3/node_modules/@aws-sdk/${pkg}/dist-es/commands/${cmd}.js\nvar ${id} = class extends Base {};`;
  const text = [
    sdk('client-ecs', 'DescribeTasksCommand', 'DescribeTasksCommand2'),
    sdk('client-lambda', 'InvokeCommand', 'InvokeCommand'),
    sdk('client-s3', 'PutObjectCommand', 'PutObjectCommand'),
    sdk('client-ecs', 'ExecuteCommandCommand', 'ExecuteCommandCommand'),
    '// src/handlers/x.ts',
    'var f = (d) => d.ecs.send(new DescribeTasksCommand2({})), g = (d) => d.lambda.send(new InvokeCommand({ FunctionName: d.config.efsFunctionName }));',
    '// src/aws/s3-blobs.ts',
    'var h = (s) => s.send(new PutObjectCommand({}));',
    '// src/aws/elsewhere.ts',
    'var i = (s) => s.send(new PutObjectCommand({})), j = (e) => e.send(new ExecuteCommandCommand({}));',
    // A library constructing a command is not hyperp's call.
    '// ../../node_modules/some-lib/index.js',
    'var k = () => new DescribeTasksCommand2({});',
  ].join('\n');
  assert.equal(derive(text), {
    needs: ['clusterTasks ecs:DescribeTasks', 'efsFunction lambda:InvokeFunction', 'stateObjects s3:PutObject'],
    unknown: [
      'client-s3 PutObjectCommand in src/aws/elsewhere.ts: which resource? (MODULE_RESOURCES or CONFIG_RESOURCES)',
      'client-ecs ExecuteCommandCommand in src/aws/elsewhere.ts',
    ],
    ownModules: ['src/handlers/x.ts', 'src/aws/s3-blobs.ts', 'src/aws/elsewhere.ts'],
  });
});

perms('every variable of the environment manifest is read by some handler\'s code (none is set for nothing)', () => {
  const own = [...texts.values()].flatMap((t) => sectionsOf(t).filter((s) => s.path.startsWith('src/') && s.path !== 'src/config.ts'));
  const unread = environment.variables.filter((v) => !own.some((s) => new RegExp(`\\.${v.field}\\b`).test(s.code))).map((v) => v.name);
  assert.equal(unread, []);
});

perms('the S3 prefixes of the manifest are the ones the code writes under', () => {
  assert.equal(permissions.s3Prefixes, { stateObjects: STATE_PREFIX, downloads: `${DOWNLOADABLE_PREFIX}/`, buildContexts: CONTEXTS_PREFIX });
});

perms.run();
