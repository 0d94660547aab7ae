/**
 * `hyperp completion bash|zsh`: prints the shell's completion script, generated from this very
 * program's commands and options (completion/spec.ts), so it always matches the CLI it came from.
 */
import { Command } from 'commander';
import type { Register } from '../program.js';
import { ExitCode, UsageError } from '../context.js';
import { bashScript } from '../completion/bash.js';
import { completionSpec } from '../completion/spec.js';
import { zshScript } from '../completion/zsh.js';

const SHELLS = { bash: bashScript, zsh: zshScript } as const;

export const registerCompletion: Register = (program, run) => {
  program
    .command('completion')
    .description('print the shell completion script for bash or zsh (source <(hyperp completion bash))')
    .argument('<shell>', 'bash | zsh')
    .action((shell: string) =>
      run(async (ctx) => {
        if (!Object.hasOwn(SHELLS, shell)) throw new UsageError(`completion is for ${Object.keys(SHELLS).join(' or ')}, not "${shell}"`);
        // Only this command is loaded in `program`: the script is made from every command's full
        // definition, under the program's own options (--version, --help).
        const { loadAllCommands } = await import('./index.js');
        const whole = new Command(program.name());
        for (const o of program.options) whole.addOption(o);
        for (const register of await loadAllCommands()) register(whole, () => undefined);
        ctx.out(SHELLS[shell as keyof typeof SHELLS](completionSpec(whole)));
        return ExitCode.ok;
      }),
    );
};
