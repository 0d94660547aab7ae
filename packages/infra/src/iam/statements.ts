/**
 * IAM policy documents as plain data. Grants are computed from resolved ARNs by pure functions,
 * so the tests and the policy pack read exactly the JSON that AWS receives.
 */

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

export const policyDocument = (statements: readonly Statement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

export const allow = (sid: string, actions: readonly string[], resources: readonly string[], condition?: Statement['Condition']): Statement => ({
  Sid: sid,
  Effect: 'Allow',
  Action: actions,
  Resource: resources,
  ...(condition ? { Condition: condition } : {}),
});

/** An explicit deny: it wins over any allow, including the managed policies a user attaches to the role. */
export const deny = (sid: string, actions: readonly string[], resources: readonly string[], condition?: Statement['Condition']): Statement => ({
  ...allow(sid, actions, resources, condition),
  Effect: 'Deny',
});

/** Services that assume hyperp's roles. */
export type ServicePrincipal = 'lambda.amazonaws.com' | 'ecs-tasks.amazonaws.com' | 'scheduler.amazonaws.com';

/**
 * Trust policy for a service role. `aws:SourceAccount` keeps another account's ECS or Scheduler
 * from using the role (the confused-deputy guard AWS recommends,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html, read 2026-11) where the
 * service documents it: Scheduler execution roles and ECS task roles. Lambda passes no source
 * account when it assumes a function's role, and AWS documents the ECS task execution role's
 * trust without a condition (task_execution_IAM_role, read 2026-11), so those trusts have none:
 * a condition the service does not satisfy would stop every function or task from starting.
 */
export const trustPolicy = (service: ServicePrincipal, accountId: string, sourceAccountGuard = service !== 'lambda.amazonaws.com') => ({
  Version: '2012-10-17' as const,
  Statement: [
    {
      Effect: 'Allow' as const,
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(sourceAccountGuard ? { Condition: { StringEquals: { 'aws:SourceAccount': accountId } } } : {}),
    },
  ],
});
