/**
 * `PlatformArgs` with every default filled in and every value checked, before any resource is
 * declared: a wrong value fails `pulumi preview` with a message naming the option, instead of
 * failing halfway through `pulumi up` with an AWS error.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { ComputeSettings } from './compute.js';
import { FUNCTION_DEFAULTS, defaultBundlesDir, type FunctionSettings } from './functions.js';
import { FUNCTION_NAMES, type FunctionName } from './names.js';
import type { NetworkSettings } from './network.js';
import type { PlatformArgs } from './platform.js';
import { EFS_IA_DAYS, type EfsIaDays, type StorageSettings } from './storage.js';

/**
 * A maintained kaniko fork (the original was archived in June 2025), pinned by tag; multi-arch
 * (amd64, arm64). Where it comes from: the release `mzihlmann/kaniko/v1.24.3` of
 * github.com/kaniko-build/builder publishes the executor as the GitHub package
 * `dist/mzihlmann-kaniko/executor`, pulled as `ghcr.io/kaniko-build/dist/mzihlmann-kaniko/executor:v1.24.3`
 * (its release notes, read 2026-11-22 and again 2026-12-03).
 */
export const DEFAULT_BUILDER_IMAGE = 'ghcr.io/kaniko-build/dist/mzihlmann-kaniko/executor:v1.24.3';

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy API reference, read 2026-11). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface PlatformSettings {
  readonly prefix: string;
  readonly githubAppId: pulumi.Input<string>;
  readonly network: NetworkSettings;
  readonly storage: StorageSettings;
  readonly compute: ComputeSettings;
  readonly builderImage: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly priceRegion: pulumi.Input<string> | undefined;
  readonly jobTaskPolicyArns: readonly pulumi.Input<string>[];
  /** `REPOS=PRINCIPAL` entries, as the API reads them (`HYPERP_SECRETS_MANAGERS`); empty: every caller. */
  readonly secretsManagers: readonly string[];
  readonly bundlesDir: string;
  readonly functions: Readonly<Record<FunctionName, FunctionSettings>>;
  readonly tags: Readonly<Record<string, string>>;
}

export class PlatformArgsError extends Error {
  override readonly name = 'PlatformArgsError';
}

const MANAGED_REPOS = /^(\*|[A-Za-z0-9_.-]{1,100}\/(\*|[A-Za-z0-9_.-]{1,100}))$/;
/** An IAM user or role (with or without a path); the API matches the caller by account, kind and name. */
const MANAGER_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(user|role)\/(?:[^,=\s]*\/)?[\w+=.@-]{1,128}$/;

/**
 * `secretsManagers` as the API reads it (`adapters-aws` `secrets/managers.ts`, which checks it
 * again): one `REPOS=PRINCIPAL` entry per pair, or an error naming the one that is not.
 */
const secretsManagerEntries = (given: Readonly<Record<string, readonly string[]>>): string[] => {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new PlatformArgsError(`secretsManagers must map repositories to IAM user or role ARNs ({"acme/*": ["arn:aws:iam::<account>:role/<name>"]}), got ${JSON.stringify(given)}`);
  }
  return Object.entries(given).flatMap(([repos, principals]) => {
    if (!MANAGED_REPOS.test(repos)) throw new PlatformArgsError(`secretsManagers: "${repos}" must be owner/name, owner/* or *`);
    if (!Array.isArray(principals) || principals.length === 0) throw new PlatformArgsError(`secretsManagers.${repos} must list IAM user or role ARNs`);
    return principals.map((p) => {
      if (typeof p !== 'string' || !MANAGER_ARN.test(p)) {
        throw new PlatformArgsError(`secretsManagers.${repos}: ${JSON.stringify(p)} must be an IAM user or role ARN (arn:aws:iam::<account>:user/<name> or :role/<name>)`);
      }
      return `${repos.toLowerCase()}=${p}`;
    });
  });
};

const integerIn = (option: string, value: number, min: number, max: number): number => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PlatformArgsError(`${option} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
};

const oneOf = <T>(option: string, value: T, allowed: readonly T[]): T => {
  if (!allowed.includes(value)) throw new PlatformArgsError(`${option} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  return value;
};

/**
 * Lambda's limits (Lambda quotas, read 2026-11): 128–10,240 MB, 1–900 s. The prefix becomes
 * function names (64 characters at most, `-task-events` is the longest suffix) and part of the
 * log group names and the bucket's auto-name, which S3 wants lowercase.
 */
export const resolvePlatformArgs = (name: string, args: PlatformArgs): PlatformSettings => {
  const prefix = args.namePrefix ?? name;
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(prefix) || prefix.endsWith('-')) {
    throw new PlatformArgsError(
      `namePrefix ${JSON.stringify(prefix)} must be 1 to 40 lowercase letters, digits and dashes, start with a letter and not end with a dash`,
    );
  }
  const region = args.region;
  if (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new PlatformArgsError(
      `the AWS region is ${region === undefined ? 'not set' : JSON.stringify(region)}: set it with \`pulumi config set aws:region <region>\` (or AWS_REGION)`,
    );
  }
  const mode = oneOf('network.mode', args.network?.mode ?? 'public', ['public', 'private'] as const);
  const availabilityZones = integerIn('network.availabilityZones', args.network?.availabilityZones ?? 2, 2, 6);
  const cidrBlock = args.network?.cidrBlock ?? '10.0.0.0/16';
  if (!/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/.test(cidrBlock)) {
    throw new PlatformArgsError(`network.cidrBlock must be an IPv4 CIDR block from /16 to /24, got ${JSON.stringify(cidrBlock)}`);
  }
  const natGateways = oneOf('network.natGateways', args.network?.natGateways ?? 'single', ['single', 'perAz'] as const);
  const retainData = args.retainData ?? true;
  const logRetentionDays = oneOf('logRetentionDays', args.logRetentionDays ?? 30, LOG_RETENTION_DAYS);
  const functions = Object.fromEntries(
    FUNCTION_NAMES.map((fn) => {
      const given = args.functions?.[fn] ?? {};
      return [
        fn,
        {
          memorySize: integerIn(`functions.${fn}.memorySize`, given.memorySize ?? FUNCTION_DEFAULTS[fn].memorySize, 128, 10240),
          timeout: integerIn(`functions.${fn}.timeout`, given.timeout ?? FUNCTION_DEFAULTS[fn].timeout, 1, 900),
        },
      ];
    }),
  ) as Record<FunctionName, FunctionSettings>;
  for (const fn of Object.keys(args.functions ?? {})) {
    if (!(FUNCTION_NAMES as readonly string[]).includes(fn)) {
      throw new PlatformArgsError(`functions.${fn} names no function; the functions are ${FUNCTION_NAMES.join(', ')}`);
    }
  }
  return {
    prefix,
    githubAppId: args.githubAppId,
    network: { region, mode, availabilityZones, cidrBlock, natGateways },
    storage: {
      availabilityZones,
      retainData,
      downloadExpiryDays: integerIn('downloadExpiryDays', args.downloadExpiryDays ?? 30, 1, 3650),
      efsTransitionToIaDays: oneOf<EfsIaDays>('efsTransitionToIaDays', args.efsTransitionToIaDays ?? 30, EFS_IA_DAYS),
    },
    compute: {
      containerInsights: args.containerInsights ?? false,
      imageExpiryDays: integerIn('imageExpiryDays', args.imageExpiryDays ?? 90, 1, 3650),
      logRetentionDays,
      retainData,
    },
    builderImage: args.builderImage ?? DEFAULT_BUILDER_IMAGE,
    logRetentionDays,
    priceRegion: args.priceRegion,
    jobTaskPolicyArns: args.jobTaskPolicyArns ?? [],
    secretsManagers: secretsManagerEntries(args.secretsManagers ?? {}),
    bundlesDir: args.bundlesDir ?? defaultBundlesDir(),
    functions,
    tags: { ...args.tags, 'hyperp:deployment': prefix },
  };
};
