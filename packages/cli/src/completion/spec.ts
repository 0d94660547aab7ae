/**
 * What shell completion knows, read from the commander program itself — the commands, options
 * and arguments `--help` shows — so the scripts `hyperp completion` prints cannot drift from the
 * CLI. Values: an option or argument whose placeholder names a folder (`<dir>`) completes
 * folders, a file (`<file>`, `<path>`) files, and one whose help lists its values (`auto |
 * process | docker`) those values; a `<run>` argument completes the run ids under `.hyperp/runs/`.
 */
import type { Argument, Command, Option } from 'commander';

/** How a value is completed. */
export type ValueKind =
  | { readonly _tag: 'Dir' }
  | { readonly _tag: 'File' }
  | { readonly _tag: 'Words'; readonly words: readonly string[] }
  /** A run id of the repository (`--repo`, else here), or `last`. */
  | { readonly _tag: 'Run' }
  | { readonly _tag: 'Any' };

export interface OptionSpec {
  /** `-o`, `--output`: every spelling. */
  readonly flags: readonly string[];
  readonly description: string;
  /** Undefined for a flag that takes no value. */
  readonly value?: ValueKind;
}

export interface CommandSpec {
  /** The words that name it after `hyperp`: `[]`, `['runs', 'list']`. */
  readonly path: readonly string[];
  readonly description: string;
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly OptionSpec[];
  /** Its positional arguments, in order; the last may repeat. */
  readonly args: readonly { readonly name: string; readonly value: ValueKind; readonly variadic: boolean }[];
}

/** Words a shell script may hold unquoted: hyperp's names are all like this, and anything else is left out. */
export const SAFE_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SAFE_FLAG = /^--?[A-Za-z0-9][A-Za-z0-9-]*$/;

/** `auto | process | docker` in a help text, wherever it stands: the values an option takes. */
const listedValues = (description: string): string[] =>
  (description.match(/[A-Za-z0-9_.-]+(?: \| [A-Za-z0-9_.-]+)+/g) ?? []).flatMap((run) => run.split(' | ')).filter((w) => SAFE_WORD.test(w));

const valueKind = (placeholder: string, description: string, choices: readonly string[] | undefined): ValueKind => {
  const words = (choices ?? []).length > 0 ? choices!.filter((w) => SAFE_WORD.test(w)) : listedValues(description);
  if (words.length > 0) return { _tag: 'Words', words: [...new Set(words)] };
  if (/dir|folder/i.test(placeholder)) return { _tag: 'Dir' };
  if (/file|path/i.test(placeholder)) return { _tag: 'File' };
  return { _tag: 'Any' };
};

const optionSpec = (o: Option): OptionSpec => {
  const flags = [o.short, o.long].filter((f): f is string => f !== undefined && SAFE_FLAG.test(f));
  const placeholder = /[<[]([^>\]]*)[>\]]/.exec(o.flags)?.[1];
  return {
    flags,
    description: o.description,
    ...(o.required || o.optional ? { value: valueKind(placeholder ?? '', o.description, o.argChoices) } : {}),
  };
};

const argSpec = (a: Argument) => ({ name: a.name(), value: a.name() === 'run' ? { _tag: 'Run' as const } : valueKind(a.name(), a.description, a.argChoices), variadic: a.variadic });

/** Every command of the program, parents before their subcommands, as `--help` lists them. */
export const completionSpec = (program: Command): CommandSpec[] => {
  const help = program.createHelp();
  const walk = (cmd: Command, path: readonly string[]): CommandSpec[] => {
    const subs = help.visibleCommands(cmd).filter((c) => SAFE_WORD.test(c.name()));
    const spec: CommandSpec = {
      path,
      description: cmd.description(),
      subcommands: subs.map((c) => ({ name: c.name(), description: c.description() })),
      options: help.visibleOptions(cmd).map(optionSpec).filter((o) => o.flags.length > 0),
      args: cmd.registeredArguments.map(argSpec),
    };
    // commander's own `help [command]` takes a command name: its subcommands are the program's.
    return [spec, ...subs.flatMap((c) => (c.name() === 'help' && c.commands.length === 0 ? [] : walk(c, [...path, c.name()])))];
  };
  return walk(program, []);
};
