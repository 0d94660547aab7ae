/**
 * The Lambda functions, one per esbuild bundle of `@hyperp/adapters-aws`, each with its own
 * role, log group (with retention) and the contract's environment; and the two Function URLs:
 * the webhook (no auth: the handler verifies GitHub's signature) and the API (AWS_IAM: the CLI
 * signs requests with the user's credentials).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { EFS_MOUNT_PATH, FUNCTION_NAMES, type FunctionName } from './names.js';
import type { Roles } from './iam/roles.js';
import { childOf, tagsWith, type Scope } from './scope.js';

export interface FunctionSettings {
  /** MB of memory (and proportional CPU). */
  readonly memorySize: number;
  /** Seconds before Lambda stops an invocation. */
  readonly timeout: number;
}

/** Sizes chosen for each handler's work; override per function with `PlatformArgs.functions`. */
export const FUNCTION_DEFAULTS: Readonly<Record<FunctionName, FunctionSettings & { readonly description: string }>> = {
  // GitHub waits 10 s for a webhook answer; the handler answers in about one.
  webhook: { memorySize: 256, timeout: 10, description: 'GitHub push webhook' },
  planner: { memorySize: 1024, timeout: 300, description: 'plans a run from the repository at a commit' },
  'task-events': { memorySize: 256, timeout: 30, description: 'ECS task state changes into run events' },
  stepper: { memorySize: 1024, timeout: 300, description: 'folds new events into run state and carries out commands' },
  sweep: { memorySize: 512, timeout: 60, description: 'ticks active runs and reconciles lost task events' },
  // A download of a job that was not marked downloadable waits for its zip.
  api: { memorySize: 512, timeout: 300, description: 'the CLI API' },
  // Zips a job's whole output to S3: Lambda's longest timeout, and memory for throughput.
  efs: { memorySize: 1024, timeout: 900, description: 'directories and zips on the artifacts file system' },
};

/** Where the bundles are when this package sits in the hyperp repository (src/ or dist/ alike). */
export const defaultBundlesDir = (): string => fileURLToPath(new URL('../../adapters-aws/dist/bundles', import.meta.url));

/** The bundles that are not built yet, as paths; empty when every function has its code. */
export const missingBundles = (bundlesDir: string): string[] =>
  FUNCTION_NAMES.map((fn) => join(bundlesDir, fn, 'index.mjs')).filter((p) => !existsSync(p));

/** Physical names are fixed (not auto-suffixed) so every handler's environment can name them. */
export const functionName = (prefix: string, fn: FunctionName): string => `${prefix}-${fn}`;
export const functionLogGroupName = (prefix: string, fn: FunctionName): string => `/hyperp/${prefix}/functions/${fn}`;

export const createFunctionLogGroups = (scope: Scope, retentionInDays: number): Record<FunctionName, aws.cloudwatch.LogGroup> =>
  Object.fromEntries(
    FUNCTION_NAMES.map((fn) => [
      fn,
      new aws.cloudwatch.LogGroup(
        `${scope.name}-fn-${fn}`,
        { name: functionLogGroupName(scope.name, fn), retentionInDays, tags: tagsWith(scope) },
        childOf(scope),
      ),
    ]),
  ) as Record<FunctionName, aws.cloudwatch.LogGroup>;

export interface FunctionInputs {
  readonly bundlesDir: string;
  readonly settings: Readonly<Record<FunctionName, FunctionSettings>>;
  readonly roles: Roles;
  readonly grants: Roles<aws.iam.RolePolicy>;
  readonly logGroups: Readonly<Record<FunctionName, aws.cloudwatch.LogGroup>>;
  readonly environment: pulumi.Output<Record<string, string>>;
  /** The `efs` function runs in the VPC with hyperp's access point mounted. */
  readonly efs: {
    readonly accessPointArn: pulumi.Input<string>;
    readonly mountTargets: readonly pulumi.Resource[];
    readonly subnetIds: pulumi.Input<string[]>;
    readonly securityGroupId: pulumi.Input<string>;
  };
}

export const createFunctions = (scope: Scope, f: FunctionInputs): Record<FunctionName, aws.lambda.Function> =>
  Object.fromEntries(
    FUNCTION_NAMES.map((fn) => {
      const inVpc =
        fn === 'efs'
          ? {
              vpcConfig: { subnetIds: f.efs.subnetIds, securityGroupIds: [f.efs.securityGroupId] },
              fileSystemConfig: { arn: f.efs.accessPointArn, localMountPath: EFS_MOUNT_PATH },
            }
          : {};
      const lambda = new aws.lambda.Function(
        `${scope.name}-${fn}`,
        {
          name: functionName(scope.name, fn),
          description: `hyperp: ${FUNCTION_DEFAULTS[fn].description}`,
          runtime: 'nodejs22.x',
          architectures: ['arm64'],
          handler: 'index.handler',
          code: new pulumi.asset.FileArchive(join(f.bundlesDir, fn)),
          role: f.roles.functions[fn].arn,
          memorySize: f.settings[fn].memorySize,
          timeout: f.settings[fn].timeout,
          environment: { variables: f.environment },
          loggingConfig: { logFormat: 'Text', logGroup: f.logGroups[fn].name },
          tags: tagsWith(scope),
          ...inVpc,
        },
        childOf(scope, {
          // Lambda checks a VPC function's role for network-interface permissions, and mounting
          // needs a mount target in each subnet, when the function is created.
          dependsOn: [f.grants.functions[fn], f.logGroups[fn], ...(fn === 'efs' ? f.efs.mountTargets : [])],
        }),
      );
      return [fn, lambda];
    }),
  ) as Record<FunctionName, aws.lambda.Function>;

export interface FunctionUrls {
  readonly webhook: aws.lambda.FunctionUrl;
  readonly api: aws.lambda.FunctionUrl;
}

export const createFunctionUrls = (scope: Scope, functions: Record<FunctionName, aws.lambda.Function>): FunctionUrls => ({
  // Public by design: GitHub cannot sign AWS requests. Since October 2025 a NONE URL answers 403
  // unless the function's resource policy allows both lambda:InvokeFunctionUrl and
  // lambda:InvokeFunction (Lambda developer guide, "Control access to function URLs", read
  // 2026-11); the provider adds both statements when it creates the URL (aws.lambda.FunctionUrl's
  // note, @pulumi/aws 7.48), so no aws.lambda.Permission is declared for them.
  webhook: new aws.lambda.FunctionUrl(
    `${scope.name}-webhook`,
    { functionName: functions.webhook.name, authorizationType: 'NONE' },
    childOf(scope),
  ),
  api: new aws.lambda.FunctionUrl(
    `${scope.name}-api`,
    { functionName: functions.api.name, authorizationType: 'AWS_IAM' },
    childOf(scope),
  ),
});
