/** `hyperp secrets set|list|rm`: a repository's secrets on the deployment (remote mode only). */
import type { Command } from 'commander';
import { UsageError } from '../context.js';
import type { Register } from '../program.js';
import { requireRemote, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteSecretList, remoteSecretRemove, remoteSecretSet } from '../remote/secrets.js';

const REPO_HELP = 'the repository: owner/name, or a folder whose GitHub origin names it (default: here)';

export const registerSecrets: Register = (program, run) => {
  const secrets = program
    .command('secrets')
    .description('a repository\'s secrets on the deployment: set (from standard input or a file), list (names and dates), rm');
  withBackendOptions(
    secrets
      .command('set')
      .description('create or change a secret; the value comes from standard input or --file, never an argument')
      .argument('<name>', 'the secret\'s name, as workflows declare it')
      .option('--repo <owner/name>', REPO_HELP)
      .option('--file <path>', 'read the value from this file instead of standard input')
      // Taken so that a value given as an argument is refused without being echoed back.
      .allowExcessArguments(true),
  ).action((name: string, opts: { repo?: string; file?: string } & BackendOptions, cmd: Command) =>
    run(async (ctx) => {
      if (cmd.args.length > 1) {
        throw new UsageError('a secret\'s value is never an argument (process listings and shell history keep those): pipe it in, printf %s "$VALUE" | hyperp secrets set NAME, or use --file PATH');
      }
      return remoteSecretSet(ctx, requireRemote(ctx, opts, 'hyperp secrets set'), name, opts);
    }),
  );
  withBackendOptions(
    secrets
      .command('list')
      .description('the repository\'s secrets: names and dates, never values')
      .option('--repo <owner/name>', REPO_HELP)
      .option('--json', 'print as JSON'),
  ).action((opts: { repo?: string; json?: boolean } & BackendOptions) =>
    run((ctx) => remoteSecretList(ctx, requireRemote(ctx, opts, 'hyperp secrets list'), opts)),
  );
  withBackendOptions(
    secrets
      .command('rm')
      .description('delete a secret at once')
      .argument('<name>', 'the secret\'s name')
      .option('--repo <owner/name>', REPO_HELP),
  ).action((name: string, opts: { repo?: string } & BackendOptions) =>
    run((ctx) => remoteSecretRemove(ctx, requireRemote(ctx, opts, 'hyperp secrets rm'), name, opts)),
  );
};
