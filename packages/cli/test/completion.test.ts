// `hyperp completion bash|zsh`: the scripts, sourced in a real bash and zsh, complete what the
// program defines — commands, each command's options, option values — so they cannot drift.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { ENGINE_CHOICES } from '@hyperp/adapters-local';
import { loadAllCommands } from '../src/commands/index.js';
import { hyperp } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'hyperp-completion-'));
process.once('exit', () => rmSync(work, { recursive: true, force: true }));
mkdirSync(join(work, 'some-folder'));
writeFileSync(join(work, 'some-file'), '');

// The program as runCli makes it (its --version included).
const program = new Command('hyperp').version('0.0.0', '-V, --version', 'print the version of hyperp');
for (const register of await loadAllCommands()) register(program, () => undefined);

/** Every command path with the long options `--help` lists for it. */
const leaves = (cmd: Command, path: string[] = []): { path: string[]; options: string[] }[] => {
  const help = cmd.createHelp();
  const own = { path, options: help.visibleOptions(cmd).flatMap((o) => (o.long ? [o.long] : [])) };
  return [own, ...cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]))];
};

const script = async (shell: string): Promise<string> => {
  const r = await hyperp(['completion', shell]);
  assert.equal([r.code, r.stderr], [0, ''], r.stderr);
  const file = join(work, `hyperp.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
};

/** What bash completes for each line (the cursor at its end), one answer per line, sorted. */
const bashCompletes = async (lines: readonly string[][]): Promise<string[][]> => {
  const file = await script('bash');
  const calls = lines.map((words) => `c ${words.map((w) => `'${w}'`).join(' ')}`).join('\n');
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source ${file}\nc() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _hyperp; printf '%s\\n' "\${COMPREPLY[*]}"; }\n${calls}`], { cwd: work, encoding: 'utf8' });
  assert.is(r.stderr, '');
  return r.stdout.split('\n').slice(0, -1).map((l) => (l === '' ? [] : l.split(' ').sort()));
};

test('bash: hyperp ru<TAB> offers run and runs; a command\'s options, an option\'s values, folders for --repo and DIR', async () => {
  assert.equal(await bashCompletes([
    ['hyperp', 'ru'],
    ['hyperp', 'run', '--en'],
    ['hyperp', 'run', '--engine', ''],
    ['hyperp', 'graph', '--format', ''],
    ['hyperp', 'run', '--repo', 'some-'],
    ['hyperp', 'init', ''],
    ['hyperp', 'artifacts', 'download', '-o', 'some-'],
    ['hyperp', 'runs', ''],
    ['hyperp', 'runs', 'list', '--repo', 'x', '--w'],
    ['hyperp', 'logs', '--index', '2', ''],
    ['hyperp', 'completion', ''],
  ]), [
    ['run', 'runs'],
    ['--engine'],
    [...ENGINE_CHOICES].sort(),
    ['dot', 'mermaid', 'text'],
    ['some-folder'],
    ['some-folder'],
    ['some-file', 'some-folder'],
    ['help', 'list', 'show'],
    ['--workflow'],
    ['last'],
    ['bash', 'zsh'],
  ]);
});

test('bash: a run argument completes the run ids under --repo\'s .hyperp/runs (else here) and last; a folder named $(…) is offered as it is, never run', async () => {
  for (const id of ['20261122-aaa', '20261122-bbb', '$(touch pwned)']) mkdirSync(join(work, '.hyperp/runs', id), { recursive: true });
  mkdirSync(join(work, 'other/.hyperp/runs/2027-x'), { recursive: true });
  assert.equal(await bashCompletes([
    ['hyperp', 'logs', '2026'],
    ['hyperp', 'cancel', 'l'],
    ['hyperp', 'logs', '--repo', 'other', ''],
    ['hyperp', 'runs', 'show', '--repo=other', '2'],
    ['hyperp', 'logs', '20261122-aaa', ''],
  ]), [['20261122-aaa', '20261122-bbb'], ['last'], ['2027-x', 'last'], ['2027-x'], []]);
  const all = await bashCompletes([['hyperp', 'rerun', '']]);
  assert.equal(all, [['$(touch', '20261122-aaa', '20261122-bbb', 'last', 'pwned)']]);
  assert.is(existsSync(join(work, 'pwned')), false);
  rmSync(join(work, '.hyperp/runs/$(touch pwned)'), { recursive: true });
});

test('bash: every command completes exactly the options it has (the script is made from the program)', async () => {
  const all = leaves(program);
  assert.ok(all.length > 15);
  const answers = await bashCompletes(all.map((l) => ['hyperp', ...l.path, '--']));
  assert.equal(answers.map((a, i) => [all[i]!.path.join(' '), a]), all.map((l) => [l.path.join(' '), [...l.options].sort()]));
});

const zsh = spawnSync('zsh', ['--version']).status === 0;

/**
 * zsh's completion functions replaced by ones that print what they were given: which
 * candidates `_hyperp` hands to `_describe` (commands) and `_arguments` (options, arguments).
 */
const zshCompletes = async (words: readonly string[]): Promise<string[]> => {
  const file = await script('zsh');
  const r = spawnSync('zsh', ['-f', '-c', [
    'compdef() { :; }',
    '_describe() { print -rl -- "${(@P)4}"; }',
    '_arguments() { shift 2; print -rl -- "$@"; }',
    `source ${file}`,
    `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
    '_hyperp',
  ].join('\n')], { cwd: work, encoding: 'utf8' });
  assert.is(r.stderr, '');
  return r.stdout.split('\n').slice(0, -1);
};

test('zsh: the script parses (zsh -n) and gives _describe the commands, _arguments a command\'s options and values', async () => {
  if (!zsh) {
    console.log('skipped: zsh is not installed (apt-get install zsh)');
    return;
  }
  const file = await script('zsh');
  assert.equal(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).stderr, '');
  const top = await zshCompletes(['hyperp', 'ru']);
  assert.equal(top.map((l) => l.split(':')[0]), program.createHelp().visibleCommands(program).map((c) => c.name()));
  assert.ok(top.includes('run:run workflows on this machine and wait for the end (exit 0 when every run SUCCEEDED)'), top.join('\n'));
  const run = await zshCompletes(['hyperp', '--version', 'run', '--repo', 'x', '--']);
  const engine = run.find((l) => l.startsWith('--engine['));
  assert.is(engine, `--engine[${program.commands.find((c) => c.name() === 'run')!.options.find((o) => o.long === '--engine')!.description}]:engine:(auto process docker podman bwrap unshare)`);
  assert.equal(/\(([^)]*)\)$/.exec(engine!)![1]!.split(' ').sort(), [...ENGINE_CHOICES].sort());
  assert.ok(run.includes('--repo[repository folder (may be a folder inside a git repository)]:repo:_files -/'), run.join('\n'));
  assert.ok(run.includes('--remote[start the workflow on the deployment (with --workflow, --branch, \\[--commit\\], --repo owner/name)]'), run.join('\n'));
  assert.equal(await zshCompletes(['hyperp', 'runs', 'sh']), ['list:the runs under .hyperp/, oldest first (remote: the newest --limit runs of the repository)', 'show:one run: its jobs, task attempts, exit codes, durations, costs and log files', 'help:display help for command']);
  assert.equal(await zshCompletes(['hyperp', 'init', '']), ['-h[display help for command]', '--help[display help for command]', '1:dir:_files -/']);
});

test('zsh, for real: in an interactive zsh with compinit, hyperp run --engine <TAB> lists the engines and hyperp init so<TAB> offers only the folder, hyperp runs show <TAB> the run ids', async () => {
  if (!zsh) {
    console.log('skipped: zsh is not installed (apt-get install zsh)');
    return;
  }
  const file = await script('zsh');
  // A terminal (zpty) runs an interactive zsh; each read waits for the text it expects, not for a time.
  const driver = [
    'zmodload zsh/zpty',
    "zpty z 'zsh -f -i'",
    `zpty -w z 'PROMPT="> "; autoload -Uz compinit; compinit -u -D; source ${file}; LISTMAX=1000; print ready-$((6*7))'`,
    "zpty -r z junk '*ready-42*'",
    "zpty -w -n z $'hyperp run --engine \\t'",
    "zpty -r z engines '*unshare*'",
    "print -r -- \"$engines\"",
    "zpty -w -n z $'\\x15hyperp runs show \\t'",
    "zpty -r z runs '*20261122-bbb*'",
    "print -r -- \"$runs\"",
    "zpty -w -n z $'\\x15hyperp init so\\t'",
    "zpty -r z init '*some-folder*'",
    "print -r -- \"$init\"",
    'zpty -d z',
  ].join('\n');
  const r = spawnSync('zsh', ['-f', '-c', driver], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  const shown = r.stdout.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
  assert.is(r.status, 0, `${shown}\n${r.stderr}`);
  assert.match(shown, /auto +bwrap +docker +podman +process +unshare/);
  assert.match(shown, /20261122-aaa +20261122-bbb/);
  // The one folder here is put on the line (its `/` comes a moment later, bold); the file is not offered.
  assert.match(shown, /hyperp init some-folder/);
  assert.not.match(shown, /some-file/);
});

test('completion for another shell is a usage error naming the two', async () => {
  assert.equal(await hyperp(['completion', 'fish']), { code: 2, stdout: '', stderr: 'error: completion is for bash or zsh, not "fish"\n' });
});

test.run();
