/**
 * The rules of `rules.ts` as Pulumi policies. Each policy only adapts Pulumi's arguments to
 * the rule's plain input and reports what the rule returns.
 */
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import {
  artifactsFileSystemClosed,
  buildRolesHoldNoCredentials,
  everyFunctionHasLogRetention,
  jobTaskRoleDeniesRepositorySecrets,
  jobTaskRoleDeniesSecretsKey,
  jobTaskRoleHasNoControlPlaneAccess,
  noPublicBucket,
  noUnencryptedStorage,
  noWildcardTableActions,
  secretsKeyRotates,
  type ResourceView,
  type Violation,
} from './rules.js';

const view = (r: Pick<PolicyResource, 'type' | 'name' | 'urn' | 'props'>): ResourceView => ({
  type: r.type,
  name: r.name,
  urn: r.urn,
  props: r.props,
});

const report = (violations: readonly Violation[], reportViolation: ReportViolation, withUrn: boolean): void => {
  for (const v of violations) {
    if (withUrn) reportViolation(v.message, v.resource);
    else reportViolation(v.message);
  }
};

const stackPolicy = (
  name: string,
  description: string,
  rule: (resources: readonly ResourceView[]) => Violation[],
): StackValidationPolicy => ({
  name,
  description,
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) => report(rule(args.resources.map(view)), reportViolation, true),
});

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    name: 'no-wildcard-table-actions',
    description: 'No IAM statement allows `*` or a wildcard DynamoDB action on the run table.',
    enforcementLevel: 'mandatory',
    validateResource: (args, reportViolation) => report(noWildcardTableActions(view(args)), reportViolation, false),
  },
  stackPolicy('no-public-bucket', 'Every bucket blocks public access and grants nothing to everyone.', noPublicBucket),
  stackPolicy(
    'artifacts-file-system-closed',
    'The artifacts file system requires TLS, grants nothing to everyone, and the job task role has no root on it.',
    artifactsFileSystemClosed,
  ),
  stackPolicy('no-unencrypted-storage', 'File systems, buckets and queues are encrypted at rest.', noUnencryptedStorage),
  stackPolicy('function-log-retention', "Every function's log group has a retention.", everyFunctionHasLogRetention),
  stackPolicy(
    'job-task-role-no-control-plane',
    "The job task role cannot reach hyperp's table, secrets, images, tasks, functions or roles.",
    jobTaskRoleHasNoControlPlaneAccess,
  ),
  stackPolicy(
    'job-task-role-denies-repository-secrets',
    "The job task role explicitly denies reading repositories' secrets, whatever policies are attached to it.",
    jobTaskRoleDeniesRepositorySecrets,
  ),
  {
    name: 'secrets-key-rotates',
    description: 'The KMS key of the deployment\'s secrets rotates its key material.',
    enforcementLevel: 'mandatory',
    validateResource: (args, reportViolation) => report(secretsKeyRotates(view(args)), reportViolation, false),
  },
  stackPolicy(
    'job-task-role-denies-secrets-key',
    "The job task role explicitly denies every use of the secrets key, whatever policies are attached to it.",
    jobTaskRoleDeniesSecretsKey,
  ),
  stackPolicy(
    'build-roles-hold-no-credentials',
    'The builder and task execution roles read no secret, and of S3 only the build contexts.',
    buildRolesHoldNoCredentials,
  ),
];
