// A job of repository B cannot read repository A's secrets with its own AWS identity — neither
// through Secrets Manager or KMS with its SDK, nor through EFS with its own NFS client — under an
// IAM policy simulation (@cloud-copilot/iam-simulate) of exactly the policies the program
// declares: the job task role's inline and attached policies, the file system's policy and the
// secrets key's policy, evaluated together as IAM evaluates a request inside one account.
//
// The deployment attaches a policy to the job role (`hyperp:jobTaskPolicyArns`) whose document
// is not in the program; here it is the worst one can be, Allow * on *, so every refusal below
// is hyperp's own Deny (or the key's policy), not the absence of a grant. Positive controls show
// the simulation allows what the platform needs, so a refusal is not an artefact of the setup.
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCOUNT, REGION, captured, fakeBundles, installMocks, one, ofType, settle } from './support/mocks.js';
import { json } from './support/pick.js';

const ATTACHED = `arn:aws:iam::${ACCOUNT}:policy/team-jobs`;
const bundles = await fakeBundles();
await installMocks({ 'aws:region': REGION, 'hyperp:githubAppId': '7', 'hyperp:bundlesDir': bundles, 'hyperp:jobTaskPolicyArns': JSON.stringify([ATTACHED]) }, 'prod');
await import('../src/program.js');
await settle();

const P = 'hyperp-prod';
type Document = { Version: string; Statement: unknown[] };
/** Managed policies are not in the program: the one attached to the job role grants everything. */
const MANAGED: Readonly<Record<string, Document>> = {
  [ATTACHED]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

const arnOf = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const secretOf = (repo: string, name: string) => arnOf('secretsmanager', `secret:${P}/${repo}/${name}-AbCdEf`);
const SECRET_A = secretOf('acme/calc', 'db_password');
const SECRET_B = secretOf('other/app', 'api_key');
const KEY = String(one('aws:kms/key:Key', `${P}-secrets`).props['arn']);
const FILE_SYSTEM = arnOf('elasticfilesystem', 'file-system/fs-0123abcd');
const HELPERS_ACCESS_POINT = String(one('aws:efs/accessPoint:AccessPoint', `${P}-artifacts-root`).props['arn']);
/** An access point the stepper made for a run of repository B (its id is the capability). */
const RUN_ACCESS_POINT = arnOf('elasticfilesystem', 'access-point/fsap-0run0b0job0000001');
const VIA_SECRETS_MANAGER = { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` };
const ENCRYPTION_CONTEXT_KEY = 'kms:EncryptionContext:SecretARN';
const NFS = { 'elasticfilesystem:AccessedViaMountTarget': 'true', 'aws:SecureTransport': 'true' };

/** The role's policies as declared: inline policies, role policies, and attached managed policies. */
const identityPolicies = (logicalRole: string, without: readonly string[] = []) => {
  const role = one('aws:iam/role:Role', logicalRole);
  const roleName = role.props['name'];
  const inline = ((role.inputs['inlinePolicies'] as { name: string; policy: string }[] | undefined) ?? []).map((p) => ({ name: p.name, policy: json(p.policy) }));
  const rolePolicies = ofType('aws:iam/rolePolicy:RolePolicy').filter((p) => p.inputs['role'] === roleName).map((p) => ({ name: p.name, policy: json(p.inputs['policy']) }));
  const attached = ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').filter((p) => p.inputs['role'] === roleName).map((p) => {
    const arn = String(p.inputs['policyArn']);
    const doc = MANAGED[arn];
    if (!doc) throw new Error(`the simulation has no document for the managed policy ${arn}`);
    return { name: arn, policy: doc };
  });
  return [...inline, ...rolePolicies, ...attached].map((p) => ({ ...p, policy: dropStatements(p.policy as Document, without) }));
};

const dropStatements = (doc: Document, sids: readonly string[]): Document => ({
  ...doc,
  Statement: doc.Statement.filter((s) => !sids.includes(String((s as { Sid?: string }).Sid))),
});

/** The resource's own policy, as the program declares it (secrets have none). */
const resourcePolicy = (resource: string, without: readonly string[]): Document | undefined => {
  if (resource === KEY) return dropStatements(json(one('aws:kms/key:Key', `${P}-secrets`).inputs['policy']) as Document, without);
  if (resource === FILE_SYSTEM) return dropStatements(json(one('aws:efs/fileSystemPolicy:FileSystemPolicy', `${P}-artifacts`).inputs['policy']) as Document, without);
  if (ofType('aws:secretsmanager/secretPolicy:SecretPolicy').length > 0) throw new Error('a secret has a resource policy the simulation does not read');
  return undefined;
};

interface Ask {
  readonly role: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
  /** Statement ids left out of every policy: shows which statement a refusal rests on. */
  readonly without?: readonly string[];
  /** The role also has the allow-everything policy attached (as the job role has here). */
  readonly attachAll?: boolean;
}

/** The decision for a request of a task's or function's assumed-role session. */
const decide = async ({ role, action, resource, context = {}, without = [], attachAll = false }: Ask): Promise<string> => {
  const roleName = String(one('aws:iam/role:Role', role).props['name']);
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/session-0123`,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${roleName}`, 'aws:PrincipalAccount': ACCOUNT, ...context },
    },
    identityPolicies: [...identityPolicies(role, without), ...(attachAll ? [{ name: ATTACHED, policy: MANAGED[ATTACHED]! }] : [])],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy(resource, without),
  };
  const r = await runSimulation(simulation, {});
  // A request the simulator cannot evaluate, or a context key it would leave out, must fail the
  // test, never pass as a refusal.
  if (r.resultType === 'error') throw new Error(`${action} on ${resource}: ${JSON.stringify(r.errors)}`);
  const ignored = (r.resultType === 'single' ? [r.result] : r.results).flatMap((x) => x.ignoredContextKeys ?? []);
  const unknown = ignored.filter((k) => k !== ENCRYPTION_CONTEXT_KEY);
  if (unknown.length > 0) throw new Error(`${action} on ${resource}: the simulator ignores the context keys ${unknown.join(', ')}`);
  // iam-simulate 0.1.173 knows `kms:EncryptionContext:${EncryptionContextKey}` for KMS actions,
  // but matches a request's variable key to such a name only when the variable follows a "/"
  // (`aws:PrincipalTag/…`), so it drops `kms:EncryptionContext:SecretARN` from the request and
  // every condition on it fails as missing. Once the validated run above has checked the
  // policies, action and resource, the same request is evaluated with its context as given
  // (runUnsafeSimulation loads the resource policy without a name, which its analysis reads: it
  // is handed as @cloud-copilot/iam-policy's ValidatedPolicy, which carries one).
  if (ignored.length === 0) return r.overallResult;
  const named = simulation.resourcePolicy && { __validated: true, policyDocument: simulation.resourcePolicy, metadata: { name: 'resource policy' }, errors: [] };
  return runUnsafeSimulation({ ...simulation, resourcePolicy: named }, {});
};

const JOB = `${P}-task-job`;
const denied = async (ask: Ask) => assert.is.not(await decide(ask), 'Allowed', `${ask.role} ${ask.action} on ${ask.resource} ${JSON.stringify(ask.context ?? {})}`);
const allowed = async (ask: Ask) => assert.is(await decide(ask), 'Allowed', `${ask.role} ${ask.action} on ${ask.resource} ${JSON.stringify(ask.context ?? {})}`);

test('the simulation reads the policies the program declares, with the attached policy that allows everything', () => {
  assert.equal(identityPolicies(JOB).map((p) => p.name), [JOB, ATTACHED]);
  assert.ok(captured.some((r) => r.type === 'aws:kms/key:Key'));
});

test('a job reads, describes, lists or changes no repository\'s secret through Secrets Manager — not another\'s, not its own', async () => {
  for (const secret of [SECRET_A, SECRET_B]) {
    for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret']) {
      await denied({ role: JOB, action, resource: secret });
    }
  }
  await denied({ role: JOB, action: 'secretsmanager:ListSecrets', resource: '*' });
});

test('a job may not use the secrets key, directly or through Secrets Manager', async () => {
  for (const action of ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:CreateGrant', 'kms:PutKeyPolicy']) {
    await denied({ role: JOB, action, resource: KEY });
  }
  await denied({ role: JOB, action: 'kms:Decrypt', resource: KEY, context: { ...VIA_SECRETS_MANAGER, [ENCRYPTION_CONTEXT_KEY]: SECRET_A } });
});

test('a job\'s own NFS client mounts nothing without an access point, nothing through the efs function\'s, and never as root', async () => {
  for (const action of ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']) {
    await denied({ role: JOB, action, resource: FILE_SYSTEM, context: NFS });
    await denied({ role: JOB, action, resource: FILE_SYSTEM, context: { ...NFS, 'elasticfilesystem:AccessPointArn': HELPERS_ACCESS_POINT } });
  }
  await denied({ role: JOB, action: 'elasticfilesystem:ClientRootAccess', resource: FILE_SYSTEM, context: NFS });
  await denied({ role: JOB, action: 'elasticfilesystem:ClientRootAccess', resource: FILE_SYSTEM, context: { ...NFS, 'elasticfilesystem:AccessPointArn': RUN_ACCESS_POINT } });
});

test('a job learns no other run\'s access point: it may not list access points, describe tasks or task definitions, or list tasks', async () => {
  await denied({ role: JOB, action: 'elasticfilesystem:DescribeAccessPoints', resource: FILE_SYSTEM });
  await denied({ role: JOB, action: 'elasticfilesystem:DescribeAccessPoints', resource: '*' });
  await denied({ role: JOB, action: 'ecs:DescribeTasks', resource: arnOf('ecs', `task/${P}-cluster-a1b2c3d/0123456789abcdef`) });
  await denied({ role: JOB, action: 'ecs:DescribeTaskDefinition', resource: '*' });
  await denied({ role: JOB, action: 'ecs:ListTasks', resource: '*' });
  await denied({ role: JOB, action: 'cloudtrail:LookupEvents', resource: '*' });
});

test('positive controls: the job mounts through its run\'s access point; the stepper reads any repository\'s secret, the sweep and the API too (to mask logs); the API sets them', async () => {
  for (const action of ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']) {
    await allowed({ role: JOB, action, resource: FILE_SYSTEM, context: { ...NFS, 'elasticfilesystem:AccessPointArn': RUN_ACCESS_POINT } });
  }
  const stepper = `${P}-fn-stepper`;
  for (const reader of [stepper, `${P}-fn-sweep`, `${P}-fn-api`]) {
    for (const secret of [SECRET_A, SECRET_B]) {
      await allowed({ role: reader, action: 'secretsmanager:GetSecretValue', resource: secret });
      await allowed({ role: reader, action: 'kms:Decrypt', resource: KEY, context: { ...VIA_SECRETS_MANAGER, [ENCRYPTION_CONTEXT_KEY]: secret } });
    }
  }
  // Not directly, not for a secret outside the prefix, not to write.
  await denied({ role: stepper, action: 'kms:Decrypt', resource: KEY, context: { [ENCRYPTION_CONTEXT_KEY]: SECRET_A } });
  await denied({ role: stepper, action: 'kms:Decrypt', resource: KEY, context: { ...VIA_SECRETS_MANAGER, [ENCRYPTION_CONTEXT_KEY]: arnOf('secretsmanager', 'secret:elsewhere/db-AbCdEf') } });
  await denied({ role: stepper, action: 'kms:GenerateDataKey', resource: KEY, context: { ...VIA_SECRETS_MANAGER, [ENCRYPTION_CONTEXT_KEY]: SECRET_A } });
  const api = `${P}-fn-api`;
  for (const action of ['secretsmanager:CreateSecret', 'secretsmanager:UpdateSecret', 'secretsmanager:DeleteSecret']) {
    await allowed({ role: api, action, resource: SECRET_A });
  }
  await allowed({ role: api, action: 'kms:GenerateDataKey', resource: KEY, context: { ...VIA_SECRETS_MANAGER, [ENCRYPTION_CONTEXT_KEY]: SECRET_A } });
  // Only the secrets under the deployment's prefix.
  await denied({ role: api, action: 'secretsmanager:GetSecretValue', resource: arnOf('secretsmanager', 'secret:elsewhere/db-AbCdEf') });
});

test('neither ECS\'s execution role (which a repository\'s task definition can make read any `valueFrom`) nor the image builder reads a repository\'s secret or uses the key, even with everything attached', async () => {
  for (const role of [`${P}-task-execution`, `${P}-task-builder`]) {
    await denied({ role, action: 'secretsmanager:GetSecretValue', resource: SECRET_A, attachAll: true });
    await denied({ role, action: 'kms:Decrypt', resource: KEY, context: { ...VIA_SECRETS_MANAGER, [ENCRYPTION_CONTEXT_KEY]: SECRET_A }, attachAll: true });
    await allowed({ role, action: 'secretsmanager:GetSecretValue', resource: SECRET_A, attachAll: true, without: ['NoRepositorySecrets'] });
  }
});

test('the refusals rest on hyperp\'s statements: without them the same requests are allowed', async () => {
  // The job role's Denies, against the policy the deployment attached.
  await allowed({ role: JOB, action: 'secretsmanager:GetSecretValue', resource: SECRET_A, without: ['NoRepositorySecrets'] });
  await allowed({ role: JOB, action: 'secretsmanager:ListSecrets', resource: '*', without: ['NoSecretListing'] });
  await allowed({ role: JOB, action: 'kms:Decrypt', resource: KEY, context: { ...VIA_SECRETS_MANAGER, [ENCRYPTION_CONTEXT_KEY]: SECRET_A }, without: ['NoSecretsKey'] });
  await allowed({ role: JOB, action: 'ecs:ListTasks', resource: '*', without: ['NoAccessPointDiscovery'] });
  // The key's policy: a role allowed the key still cannot call KMS directly.
  await allowed({ role: JOB, action: 'kms:Decrypt', resource: KEY, without: ['NoSecretsKey', 'OnlyThroughSecretsManager'] });
  // The file system's policy: the job's NFS client without an access point.
  await allowed({ role: JOB, action: 'elasticfilesystem:ClientMount', resource: FILE_SYSTEM, context: NFS, without: ['JobsOnlyThroughAccessPoints'] });
  await allowed({ role: JOB, action: 'elasticfilesystem:ClientRootAccess', resource: FILE_SYSTEM, context: NFS, without: ['NoRootAccess'] });
  await allowed({
    role: JOB, action: 'elasticfilesystem:ClientMount', resource: FILE_SYSTEM, context: { ...NFS, 'elasticfilesystem:AccessPointArn': HELPERS_ACCESS_POINT },
    without: ['JobsNotThroughTheHelpersAccessPoint', 'NotTheHelpersAccessPoint'],
  });
});

test.run();
