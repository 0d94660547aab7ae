/**
 * The `hyperp` command line: one commander program, each command in `commands/<name>.ts`
 * registering itself. Errors become exit codes here and nowhere else.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UnsafeLayoutError } from '@hyperp/adapters-local';
import { CliError, ExitCode, reportUnexpected, UsageError, type CliContext } from './context.js';
import { commands } from './commands/index.js';
import { terminalSafeLines } from './views/terminal-text.js';

/** The CLI's own version, from its package.json (one folder up from `src/` and from `dist/` alike). */
export const cliVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A command's action: returns its exit code. */
export type Action = (ctx: CliContext) => Promise<number>;
export type Register = (program: Command, run: (action: Action) => void) => void;

export const runCli = async (argv: readonly string[], ctx: CliContext, registered: readonly Register[] = commands): Promise<number> => {
  let pending: Action | undefined;
  const program = new Command('hyperp')
    .description('hyperp: git-driven workflows on ECS Fargate, or on this machine')
    .version(cliVersion(), '-V, --version', 'print the version of hyperp')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .showSuggestionAfterError(true);
  for (const register of registered) register(program, (action) => (pending = action));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // `commander.help` with a non-zero exit code is help shown because no (sub)command was given.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
      if (e.code === 'commander.help') return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return ExitCode.usage;
    }
    return reportUnexpected(ctx, e);
  }
  if (!pending) {
    ctx.err(program.helpInformation());
    return ExitCode.usage;
  }
  try {
    return await pending(ctx);
  } catch (e) {
    // Messages quote names, paths and reasons from repositories and jobs.
    if (e instanceof UsageError) {
      ctx.err(`error: ${terminalSafeLines(e.message)}\n`);
      return ExitCode.usage;
    }
    if (e instanceof CliError || e instanceof UnsafeLayoutError) {
      ctx.err(`error: ${terminalSafeLines(e.message)}\n`);
      return ExitCode.failed;
    }
    return reportUnexpected(ctx, e);
  }
};
