/**
 * hyperp's security rules as plain functions over resources (type, name, properties), so the
 * same code runs in the Pulumi policy pack (`policies.ts`), in unit tests on hand-made good and
 * bad resources, and over the resources the mocked program declares.
 *
 * A resource rule looks at one resource; a stack rule at all of them, because "this bucket has
 * a public access block" or "this function's log group has a retention" spans resources.
 */

export interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  readonly props: Readonly<Record<string, unknown>>;
}

export interface Violation {
  /** URN (or name) of the resource at fault. */
  readonly resource: string;
  readonly message: string;
}

export const TYPES = {
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  managedPolicy: 'aws:iam/policy:Policy',
  rolePolicyAttachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  bucket: 'aws:s3/bucket:Bucket',
  bucketV2: 'aws:s3/bucketV2:BucketV2',
  publicAccessBlock: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  bucketEncryption: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  bucketEncryptionV2: 'aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2',
  bucketPolicy: 'aws:s3/bucketPolicy:BucketPolicy',
  fileSystem: 'aws:efs/fileSystem:FileSystem',
  fileSystemPolicy: 'aws:efs/fileSystemPolicy:FileSystemPolicy',
  queue: 'aws:sqs/queue:Queue',
  function: 'aws:lambda/function:Function',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  kmsKey: 'aws:kms/key:Key',
} as const;

const where = (r: ResourceView): string => r.urn ?? r.name;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export interface PolicyStatement {
  readonly sid: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly principals: readonly string[];
  /** The `Condition` block, when the statement has one. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * The statements of a policy document given as JSON text or as an object. Undefined (a value
 * not known yet during preview) gives none: the rule runs again on `pulumi up`.
 */
export const statementsOf = (document: unknown): PolicyStatement[] => {
  let doc: unknown = document;
  if (typeof document === 'string') {
    try {
      doc = JSON.parse(document);
    } catch {
      return [];
    }
  }
  return list(record(doc)['Statement']).map((raw, i) => {
    const s = record(raw);
    const principal = s['Principal'];
    const principals =
      principal === '*' ? ['*'] : Object.values(record(principal)).flatMap((p) => list(p).map(String));
    return {
      sid: str(s['Sid']) ?? `#${i}`,
      effect: str(s['Effect']) ?? 'Allow',
      actions: list(s['Action']).map(String),
      notActions: list(s['NotAction']).map(String),
      resources: list(s['Resource']).map(String),
      principals,
      ...(s['Condition'] !== undefined ? { conditions: record(s['Condition']) as Record<string, Record<string, unknown>> } : {}),
    };
  });
};

/** The policy documents a resource carries: inline role policies, managed policies, role policies. */
const documentsOf = (r: ResourceView): unknown[] => {
  switch (r.type) {
    case TYPES.rolePolicy:
    case TYPES.managedPolicy:
      return [r.props['policy']];
    case TYPES.role:
      return list(r.props['inlinePolicies']).map((p) => record(p)['policy']);
    default:
      return [];
  }
};

const touchesTable = (resource: string): boolean => resource === '*' || resource.includes(':dynamodb:');
const isWildcardTableAction = (action: string): boolean =>
  action === '*' || (action.toLowerCase().startsWith('dynamodb:') && action.includes('*'));

/** Resource rule: no IAM statement allows `*`, `dynamodb:*` or another wildcard action on the table. */
export const noWildcardTableActions = (r: ResourceView): Violation[] =>
  documentsOf(r).flatMap((doc) =>
    statementsOf(doc)
      .filter((s) => s.effect === 'Allow' && s.resources.some(touchesTable))
      .flatMap((s) => {
        const wild = s.actions.filter(isWildcardTableAction);
        const found = s.notActions.length > 0 ? [...wild, `NotAction ${s.notActions.join(', ')}`] : wild;
        return found.length === 0
          ? []
          : [
              {
                resource: where(r),
                message: `statement ${s.sid} allows ${found.join(', ')} on ${s.resources.filter(touchesTable).join(', ')}: name the DynamoDB actions one by one`,
              },
            ];
      }),
  );

const bucketNameOf = (r: ResourceView): string | undefined => str(r.props['bucket']) ?? str(r.props['id']);
const isBucket = (r: ResourceView): boolean => r.type === TYPES.bucket || r.type === TYPES.bucketV2;
const PUBLIC_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];
const PUBLIC_ACCESS_FLAGS = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'] as const;

/** Stack rule: every bucket blocks all public access, has no public ACL, and no policy allows anyone. */
export const noPublicBucket = (resources: readonly ResourceView[]): Violation[] =>
  resources.filter(isBucket).flatMap((bucket) => {
    const name = bucketNameOf(bucket);
    const forThis = (type: string) => resources.filter((r) => r.type === type && name !== undefined && r.props['bucket'] === name);
    const violations: string[] = [];
    const blocks = forThis(TYPES.publicAccessBlock);
    const missing = PUBLIC_ACCESS_FLAGS.filter((flag) => !blocks.some((b) => b.props[flag] === true));
    if (missing.length > 0) violations.push(`public access is not blocked (${missing.join(', ')} not true)`);
    const acl = str(bucket.props['acl']);
    if (acl !== undefined && PUBLIC_ACLS.includes(acl)) violations.push(`its ACL ${acl} is public`);
    for (const doc of [bucket.props['policy'], ...forThis(TYPES.bucketPolicy).map((p) => p.props['policy'])]) {
      for (const s of statementsOf(doc)) {
        if (s.effect === 'Allow' && s.principals.includes('*')) violations.push(`policy statement ${s.sid} allows everyone`);
      }
    }
    return violations.map((v) => ({ resource: where(bucket), message: `bucket ${name ?? bucket.name}: ${v}` }));
  });

/** Stack rule: file systems, buckets and queues are encrypted at rest. */
export const noUnencryptedStorage = (resources: readonly ResourceView[]): Violation[] =>
  resources.flatMap((r): Violation[] => {
    if (r.type === TYPES.fileSystem && r.props['encrypted'] !== true) {
      return [{ resource: where(r), message: `file system ${r.name} is not encrypted (set encrypted: true)` }];
    }
    if (r.type === TYPES.queue && r.props['sqsManagedSseEnabled'] !== true && !str(r.props['kmsMasterKeyId'])) {
      return [{ resource: where(r), message: `queue ${r.name} is not encrypted (set sqsManagedSseEnabled or kmsMasterKeyId)` }];
    }
    if (isBucket(r)) {
      const name = bucketNameOf(r);
      const configured = resources
        .filter((c) => (c.type === TYPES.bucketEncryption || c.type === TYPES.bucketEncryptionV2) && c.props['bucket'] === name)
        .flatMap((c) => list(c.props['rules']))
        .concat(list(record(r.props['serverSideEncryptionConfiguration'])['rule']))
        .some((rule) => str(record(record(rule)['applyServerSideEncryptionByDefault'])['sseAlgorithm']) !== undefined);
      return configured ? [] : [{ resource: where(r), message: `bucket ${name ?? r.name} has no default encryption configuration` }];
    }
    return [];
  });

/** Stack rule: every function logs to a log group of the stack that has a retention. */
export const everyFunctionHasLogRetention = (resources: readonly ResourceView[]): Violation[] =>
  resources
    .filter((r) => r.type === TYPES.function)
    .flatMap((fn) => {
      const groupName = str(record(fn.props['loggingConfig'])['logGroup']) ?? `/aws/lambda/${str(fn.props['name']) ?? fn.name}`;
      const group = resources.find((r) => r.type === TYPES.logGroup && r.props['name'] === groupName);
      const retention = group?.props['retentionInDays'];
      if (typeof retention === 'number' && retention > 0) return [];
      return [
        {
          resource: where(fn),
          message: group
            ? `function ${fn.name} logs to ${groupName}, which keeps logs forever (set retentionInDays)`
            : `function ${fn.name} logs to ${groupName}, which is not a log group of this stack with a retention`,
        },
      ];
    });

/**
 * Services a job task role must not reach: they hold or drive hyperp itself (runs, secrets,
 * images, tasks, functions, roles, schedules, queues, spilled run state in S3).
 */
export const CONTROL_PLANE_SERVICES = [
  'dynamodb', 'secretsmanager', 'ecs', 'ecr', 'lambda', 'iam', 'sts', 'scheduler', 'events', 'sqs', 's3', 'kms', 'ssm', 'logs', 'cloudformation',
] as const;

/** AWS managed policies that would hand a job the control plane. */
export const BROAD_MANAGED_POLICIES = [
  'AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess', 'AmazonDynamoDBFullAccess', 'SecretsManagerReadWrite',
  'AmazonECS_FullAccess', 'AmazonEC2ContainerRegistryFullAccess', 'AmazonEC2ContainerRegistryPowerUser',
  'AWSLambda_FullAccess', 'AmazonS3FullAccess',
] as const;

export const JOB_ROLE_TAG = { key: 'hyperp:role', value: 'task:job' } as const;

const reachesControlPlane = (action: string): boolean => {
  const service = action.split(':')[0]!.toLowerCase();
  return action === '*' || (CONTROL_PLANE_SERVICES as readonly string[]).includes(service);
};

/** A role's policies (inline, role policies, managed attachments) and their statements. */
const roleStatements = (resources: readonly ResourceView[], role: ResourceView) => {
  const roleName = str(role.props['name']);
  const attached = resources.filter(
    (r) => (r.type === TYPES.rolePolicy || r.type === TYPES.rolePolicyAttachment) && r.props['role'] === roleName,
  );
  return { attached, statements: [...documentsOf(role), ...attached.flatMap(documentsOf)].flatMap(statementsOf) };
};

/** Stack rule: the job task role (tagged `hyperp:role=task:job`) has no access to hyperp's control plane. */
export const jobTaskRoleHasNoControlPlaneAccess = (resources: readonly ResourceView[]): Violation[] =>
  resources
    .filter((r) => r.type === TYPES.role && record(r.props['tags'])[JOB_ROLE_TAG.key] === JOB_ROLE_TAG.value)
    .flatMap((role) => {
      const roleName = str(role.props['name']);
      const { attached, statements } = roleStatements(resources, role);
      const actions = statements
        .filter((s) => s.effect === 'Allow')
        .flatMap((s) => [...s.actions.filter(reachesControlPlane), ...s.notActions.map((a) => `NotAction ${a}`)]);
      const broad = attached
        .filter((r) => r.type === TYPES.rolePolicyAttachment)
        .map((r) => str(r.props['policyArn']) ?? '')
        .filter((arn) => (BROAD_MANAGED_POLICIES as readonly string[]).includes(arn.slice(arn.lastIndexOf('/') + 1)));
      return [
        ...(actions.length > 0 ? [`allows ${[...new Set(actions)].join(', ')}`] : []),
        ...broad.map((arn) => `has ${arn} attached`),
      ].map((m) => ({ resource: where(role), message: `job task role ${roleName ?? role.name} ${m}: user jobs must not reach hyperp's control plane` }));
    });

/**
 * Stack rule: the job task role denies reading repositories' secrets outright (an explicit
 * Deny of secretsmanager:GetSecretValue), so no managed policy a deployment attaches to it
 * (`hyperp:jobTaskPolicyArns`) can open one repository's secrets to another's jobs.
 */
export const jobTaskRoleDeniesRepositorySecrets = (resources: readonly ResourceView[]): Violation[] =>
  resources
    .filter((r) => r.type === TYPES.role && record(r.props['tags'])[JOB_ROLE_TAG.key] === JOB_ROLE_TAG.value)
    .flatMap((role) => {
      const { statements } = roleStatements(resources, role);
      const denies = statements.some((s) => s.effect === 'Deny' && s.actions.some((a) => /^secretsmanager:(\*|GetSecretValue)$/i.test(a)));
      return denies ? [] : [{
        resource: where(role),
        message: `job task role ${str(role.props['name']) ?? role.name} does not deny secretsmanager:GetSecretValue on repositories' secrets: a policy attached to it could hand one repository's secrets to another's jobs`,
      }];
    });

/** Resource rule: every KMS key of the stack (the secrets key) rotates its material. */
export const secretsKeyRotates = (r: ResourceView): Violation[] =>
  r.type === TYPES.kmsKey && r.props['enableKeyRotation'] !== true
    ? [{ resource: where(r), message: `KMS key ${r.name} does not rotate (set enableKeyRotation: true)` }]
    : [];

const deniesEveryKmsAction = (s: PolicyStatement, keyArn: string | undefined): boolean =>
  s.effect === 'Deny' && !s.conditions && s.actions.some((a) => /^(\*|kms:\*)$/i.test(a))
  && s.resources.some((res) => res === '*' || keyArn === undefined || res === keyArn);

/**
 * Stack rule: the job task role denies every KMS action on each key of the stack outright (an
 * explicit Deny of `kms:*` without a condition), so no policy attached to it can let a job use
 * the key that encrypts every repository's secrets. A key whose ARN is not known yet (preview)
 * is matched by any such Deny.
 */
export const jobTaskRoleDeniesSecretsKey = (resources: readonly ResourceView[]): Violation[] => {
  const keys = resources.filter((r) => r.type === TYPES.kmsKey);
  return resources
    .filter((r) => r.type === TYPES.role && record(r.props['tags'])[JOB_ROLE_TAG.key] === JOB_ROLE_TAG.value)
    .flatMap((role) => {
      const { statements } = roleStatements(resources, role);
      return keys
        .filter((key) => !statements.some((s) => deniesEveryKmsAction(s, str(key.props['arn']))))
        .map((key) => ({
          resource: where(role),
          message: `job task role ${str(role.props['name']) ?? role.name} does not deny kms:* on KMS key ${key.name}: a policy attached to it could let jobs use the key of every repository's secrets`,
        }));
    });
};

/** The roles a build runs with: the builder task role and the task execution role (ECS starting it). */
export const BUILD_ROLE_TAGS = ['task:builder', 'task-execution'] as const;
/** The only S3 objects a build may read: the contexts the stepper packs (adapters-aws `contexts/upload.ts`). */
export const BUILD_CONTEXTS_OBJECTS = '/hyperp-contexts/*';
const SECRET_READS = /^(secretsmanager:.*|ssm:Get.*|kms:Decrypt|\*)$/i;

/**
 * Stack rule: a build (which runs the repository's Dockerfile, hostile code) holds no credential:
 * its roles read no secret store, and the only S3 objects they reach are the build contexts, read-only.
 */
export const buildRolesHoldNoCredentials = (resources: readonly ResourceView[]): Violation[] =>
  resources
    .filter((r) => r.type === TYPES.role && (BUILD_ROLE_TAGS as readonly string[]).includes(String(record(r.props['tags'])['hyperp:role'])))
    .flatMap((role) => {
      const roleName = str(role.props['name']);
      const allowed = roleStatements(resources, role).statements.filter((s) => s.effect === 'Allow');
      const problems = allowed.flatMap((s) => [
        ...s.actions.filter((a) => SECRET_READS.test(a)).map((a) => `allows ${a}`),
        ...s.notActions.map((a) => `allows NotAction ${a}`),
        ...s.actions.filter((a) => /^s3:/i.test(a))
          .filter((a) => a.toLowerCase() !== 's3:getobject' || s.resources.some((res) => !res.endsWith(BUILD_CONTEXTS_OBJECTS)))
          .map((a) => `allows ${a} on ${s.resources.join(', ')}`),
      ]);
      return [...new Set(problems)].map((m) => ({
        resource: where(role),
        message: `build role ${roleName ?? role.name} ${m}: a build runs the repository's code and may read only its context (s3:GetObject on *${BUILD_CONTEXTS_OBJECTS})`,
      }));
    });

const conditionIs = (s: PolicyStatement, operator: string, key: string, value: string): boolean =>
  list(record(s.conditions?.[operator])[key]).map(String).includes(value);

/**
 * Stack rule: every EFS file system has a file-system policy that denies requests without TLS to
 * everyone and allows nothing to everyone (without a policy, EFS lets any client that reaches a
 * mount target in, root included); and the job task role is never allowed root on a file system.
 */
export const artifactsFileSystemClosed = (resources: readonly ResourceView[]): Violation[] => {
  const fileSystems = resources.filter((r) => r.type === TYPES.fileSystem).flatMap((fs): Violation[] => {
    const arn = str(fs.props['arn']) ?? '';
    const id = arn.slice(arn.lastIndexOf('/') + 1);
    const statements = resources
      .filter((p) => p.type === TYPES.fileSystemPolicy && p.props['fileSystemId'] === id)
      .flatMap((p) => statementsOf(p.props['policy']));
    const problems: string[] = [];
    if (statements.length === 0) problems.push('has no file-system policy, so any client that reaches a mount target has full access');
    else {
      if (!statements.some((s) => s.effect === 'Deny' && conditionIs(s, 'Bool', 'aws:SecureTransport', 'false'))) {
        problems.push('does not deny requests without TLS (aws:SecureTransport false)');
      }
      for (const s of statements.filter((s) => s.effect === 'Allow' && s.principals.includes('*'))) {
        problems.push(`policy statement ${s.sid} allows everyone`);
      }
    }
    return problems.map((m) => ({ resource: where(fs), message: `file system ${fs.name} ${m}` }));
  });
  const jobRoles = resources.filter((r) => r.type === TYPES.role && record(r.props['tags'])[JOB_ROLE_TAG.key] === JOB_ROLE_TAG.value);
  const roots = jobRoles.flatMap((role): Violation[] => {
    const roleName = str(role.props['name']);
    const attached = resources.filter((r) => r.type === TYPES.rolePolicy && r.props['role'] === roleName);
    const rooted = [...documentsOf(role), ...attached.flatMap(documentsOf)]
      .flatMap(statementsOf)
      .filter((s) => s.effect === 'Allow' && s.actions.some((a) => a === '*' || /^elasticfilesystem:(\*|ClientRootAccess)$/i.test(a)));
    return rooted.map((s) => ({
      resource: where(role),
      message: `job task role ${roleName ?? role.name}: statement ${s.sid} allows root on the artifacts file system; jobs work through access points that set their user`,
    }));
  });
  return [...fileSystems, ...roots];
};
