/**
 * `hyperp deploy`: `pulumi up` (or `preview`) of packages/infra on a stack, through Pulumi's
 * Automation API, for users who have the Pulumi CLI. Pulumi's SDK is imported only here, when the
 * command runs, so every other command starts without loading it; it is an optional peer of the
 * CLI, so an installed hyperp may not have it at all (pulumi-sdk.ts says what to install).
 */
import { dirname, join } from 'node:path';
import type { Register } from '../program.js';
import { CliError, ExitCode, UsageError, type CliContext } from '../context.js';
import { PULUMI_MISSING, findPulumi } from '../deploy/pulumi-binary.js';
import { hasPulumiSdk, pulumiSdkMissing } from '../deploy/pulumi-sdk.js';
import { cliPackage } from '../package-dir.js';

interface DeployOptions {
  stack: string;
  preview?: boolean;
  config: string[];
  dir?: string;
}

/** packages/infra, next to this package in the repository. */
const defaultInfraDir = (): string => join(cliPackage().dir, '..', 'infra');

/** `key=value` pairs; a key without a namespace is hyperp's (`githubAppId` → `hyperp:githubAppId`). */
export const parseConfigPairs = (pairs: readonly string[]): [string, string][] =>
  pairs.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config takes key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    return [key.includes(':') ? key : `hyperp:${key}`, pair.slice(eq + 1)];
  });

const outputText = (value: unknown, secret: boolean): string =>
  secret ? '[secret]' : typeof value === 'string' ? value : JSON.stringify(value);

const deploy = async (ctx: CliContext, opts: DeployOptions): Promise<number> => {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(opts.stack)) {
    throw new UsageError(`--stack must be a stack name such as "prod" or "org/hyperp/prod", got "${opts.stack}"`);
  }
  const config = parseConfigPairs(opts.config);
  if (!hasPulumiSdk()) throw new CliError(pulumiSdkMissing());
  const binary = findPulumi(ctx.env);
  if (binary === undefined) throw new CliError(PULUMI_MISSING);

  const { LocalWorkspace, PulumiCommand } = await import('@pulumi/pulumi/automation/index.js');
  const workDir = opts.dir ?? defaultInfraDir();
  ctx.err(`${opts.preview ? 'previewing' : 'deploying'} ${workDir} on stack ${opts.stack} with ${binary}\n`);
  try {
    // PulumiCommand.get looks for `<root>/bin/pulumi` and checks its version.
    const pulumiCommand = await PulumiCommand.get({ root: dirname(dirname(binary)) });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: opts.stack, workDir }, { pulumiCommand });
    for (const [key, value] of config) await stack.setConfig(key, { value });

    const onOutput = (text: string) => ctx.out(text);
    if (opts.preview) {
      await stack.preview({ onOutput, signal: ctx.signal });
      return ExitCode.ok;
    }
    const result = await stack.up({ onOutput, signal: ctx.signal });
    const { nextSteps, ...rest } = result.outputs;
    ctx.out('\noutputs:\n');
    for (const [key, o] of Object.entries(rest)) ctx.out(`  ${key}: ${outputText(o.value, o.secret)}\n`);
    if (nextSteps) ctx.out(`\n${outputText(nextSteps.value, nextSteps.secret)}`);
    // The summary is the stack's latest history entry; the Automation API types it as always there.
    const summary = result.summary as typeof result.summary | undefined;
    return summary?.result === 'succeeded' ? ExitCode.ok : ExitCode.failed;
  } catch (e) {
    // Pulumi has already streamed its own account of the failure; keep the summary short.
    const message = e instanceof Error ? e.message.split('\n').filter((l) => l.trim() !== '').slice(0, 12).join('\n') : String(e);
    throw new CliError(`pulumi ${opts.preview ? 'preview' : 'up'} failed on stack ${opts.stack}:\n${message}`);
  }
};

export const registerDeploy: Register = (program, run) => {
  program
    .command('deploy')
    .description('deploy hyperp to AWS with the Pulumi CLI (pulumi up of packages/infra; see docs/deploy.md)')
    .option('--stack <name>', 'Pulumi stack to deploy (created when missing)', 'dev')
    .option('--preview', 'only show what would change (pulumi preview)')
    .option('--config <key=value>', 'set stack config before deploying (repeatable; keys without a namespace are hyperp:)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--dir <path>', 'the Pulumi project to deploy (default: packages/infra)')
    .action((opts: DeployOptions) => run((ctx) => deploy(ctx, opts)));
};
