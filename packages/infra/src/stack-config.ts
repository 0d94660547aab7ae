/**
 * Stack config (`pulumi config set hyperp:<key> <value>`) to `PlatformArgs`. Each key is the
 * option of the same name; nested options are flattened (`networkMode`, not `network.mode`)
 * so that every key is set with a plain `pulumi config set`. Unset keys keep the defaults.
 */
import { defaultBundlesDir } from './functions.js';
import type { PlatformArgs } from './platform.js';
import { PlatformArgsError } from './settings.js';
import type { EfsIaDays } from './storage.js';

/** Every key the program reads, for docs and for the test that keeps docs/deploy.md complete. */
export const CONFIG_KEYS = [
  'githubAppId',
  'namePrefix',
  'networkMode',
  'availabilityZones',
  'cidrBlock',
  'natGateways',
  'builderImage',
  'imageExpiryDays',
  'downloadExpiryDays',
  'efsTransitionToIaDays',
  'logRetentionDays',
  'retainData',
  'priceRegion',
  'jobTaskPolicyArns',
  'secretsManagers',
  'bundlesDir',
  'functions',
  'containerInsights',
  'tags',
] as const;

/** The part of `pulumi.Config` the program reads through (tests pass a plain object). */
export interface ConfigReader {
  require(key: string): string;
  get(key: string): string | undefined;
  getNumber(key: string): number | undefined;
  getBoolean(key: string): boolean | undefined;
  getObject<T>(key: string): T | undefined;
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * `pulumi config set --path 'hyperp:functions.stepper.memorySize' 2048` may store the number
 * as text; sizes are numbers either way (a value that is no number is left for validation).
 */
const functionSizes = (given: Record<string, Record<string, unknown>> | undefined): PlatformArgs['functions'] =>
  given === undefined
    ? undefined
    : Object.fromEntries(
        Object.entries(given).map(([fn, sizes]) => [
          fn,
          Object.fromEntries(Object.entries(sizes ?? {}).map(([k, v]) => [k, typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v])),
        ]),
      );

/** `hyperp-<stack>`, the stack name made fit for a prefix (lowercase, dashes, at most 40 characters). */
export const defaultNamePrefix = (stack: string): string =>
  `hyperp-${stack.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 40).replace(/-+$/, '');

/** An IAM managed policy's ARN (aws, aws-cn, aws-us-gov; AWS managed or the account's own). */
const POLICY_ARN = /^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/.+$/;

/** `hyperp:jobTaskPolicyArns`: a list of policy ARNs, or an error saying how to set one. */
const policyArns = (given: unknown): string[] | undefined => {
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || !given.every((a) => typeof a === 'string' && POLICY_ARN.test(a))) {
    throw new PlatformArgsError(
      `hyperp:jobTaskPolicyArns must be a list of IAM policy ARNs (pulumi config set --path 'hyperp:jobTaskPolicyArns[0]' arn:aws:iam::<account>:policy/<name>), got ${JSON.stringify(given)}`,
    );
  }
  return given as string[];
};

/** `hyperp:tags`: an object of text values, or an error saying how to set one. */
const tagMap = (given: unknown): Record<string, string> | undefined => {
  if (given === undefined) return undefined;
  if (given === null || typeof given !== 'object' || Array.isArray(given) || !Object.values(given).every((v) => typeof v === 'string')) {
    throw new PlatformArgsError(`hyperp:tags must be an object of text values (pulumi config set --path 'hyperp:tags.team' platform), got ${JSON.stringify(given)}`);
  }
  return given as Record<string, string>;
};

export const readPlatformConfig = (config: ConfigReader, stack: string): PlatformArgs & { bundlesDir: string } => {
  const githubAppId = config.require('githubAppId');
  if (!/^\d+$/.test(githubAppId)) {
    throw new PlatformArgsError(`hyperp:githubAppId must be the GitHub App's numeric id, got ${JSON.stringify(githubAppId)}`);
  }
  const network = defined({
    mode: config.get('networkMode') as 'public' | 'private' | undefined,
    availabilityZones: config.getNumber('availabilityZones'),
    cidrBlock: config.get('cidrBlock'),
    natGateways: config.get('natGateways') as 'single' | 'perAz' | undefined,
  });
  return {
    githubAppId,
    // One account may hold several stacks (dev, prod): the stack name keeps their names apart.
    namePrefix: config.get('namePrefix') ?? defaultNamePrefix(stack),
    network,
    bundlesDir: config.get('bundlesDir') ?? defaultBundlesDir(),
    ...defined({
      builderImage: config.get('builderImage'),
      imageExpiryDays: config.getNumber('imageExpiryDays'),
      downloadExpiryDays: config.getNumber('downloadExpiryDays'),
      efsTransitionToIaDays: config.getNumber('efsTransitionToIaDays') as EfsIaDays | undefined,
      logRetentionDays: config.getNumber('logRetentionDays'),
      retainData: config.getBoolean('retainData'),
      priceRegion: config.get('priceRegion'),
      jobTaskPolicyArns: policyArns(config.getObject<unknown>('jobTaskPolicyArns')),
      secretsManagers: config.getObject<Record<string, string[]>>('secretsManagers'),
      functions: functionSizes(config.getObject<Record<string, Record<string, unknown>>>('functions')),
      containerInsights: config.getBoolean('containerInsights'),
      tags: tagMap(config.getObject<unknown>('tags')),
    }),
  };
};
