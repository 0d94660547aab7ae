/**
 * The `hyperp` command line: one commander program, each command in `commands/<name>.ts`
 * registering itself. Errors become exit codes here and nowhere else.
 */
import { Command, CommanderError, Help } from 'commander';
import { CliError, ExitCode, reportUnexpected, UsageError, type CliContext } from './context.js';
import { commands, type CommandEntry } from './commands/index.js';
import { cliPackage } from './package-dir.js';
import { terminalSafeLines } from './views/terminal-text.js';

/** The CLI's own version, from its package.json. */
export const cliVersion = (): string => cliPackage().version;

/** A command's action: returns its exit code. */
export type Action = (ctx: CliContext) => Promise<number>;
export type Register = (program: Command, run: (action: Action) => void) => void;

/**
 * The command a command line names: its first word (`hyperp` itself takes no option with a
 * value), or the one after `help`. Only that command's module is loaded.
 */
const namedCommand = (argv: readonly string[]): string | undefined => {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
};

/**
 * `registered`: the commands, each a lazily loaded entry (listed in the help by its summary until
 * the command line names it) or a definition registered at once.
 */
export const runCli = async (
  argv: readonly string[],
  ctx: CliContext,
  registered: readonly (CommandEntry | Register)[] = commands,
): Promise<number> => {
  let pending: Action | undefined;
  const summaries = new Map<Command, string>();
  const program = new Command('hyperp')
    .description('hyperp: git-driven workflows on ECS Fargate, or on this machine')
    .version(cliVersion(), '-V, --version', 'print the version of hyperp')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .configureHelp({
      subcommandTerm: (cmd) => {
        const usage = summaries.get(cmd);
        return usage === undefined ? new Help().subcommandTerm(cmd) : `${cmd.name()}${usage ? ` ${usage}` : ''}`;
      },
    })
    .showSuggestionAfterError(true);
  const named = namedCommand(argv);
  const setPending = (action: Action): void => void (pending = action);
  try {
    for (const entry of registered) {
      if (typeof entry === 'function') entry(program, setPending);
      else if (entry.name === named) for (const register of await entry.load()) register(program, setPending);
      else summaries.set(program.command(entry.name).description(entry.summary), entry.usage);
    }
  } catch (e) {
    return reportUnexpected(ctx, e);
  }
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
    // By name: the local runtime that defines UnsafeLayoutError is loaded only by the commands using it.
    if (e instanceof CliError || (e instanceof Error && e.name === 'UnsafeLayoutError')) {
      ctx.err(`error: ${terminalSafeLines(e.message)}\n`);
      return ExitCode.failed;
    }
    return reportUnexpected(ctx, e);
  }
};
