// hyperp loads a command's module only when the command line names it, and its help shows every
// command from the summaries alone exactly as the loaded definitions would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commands, loadAllCommands, type CommandEntry } from '../src/commands/index.js';
import { runCli, type Register } from '../src/program.js';
import type { CliContext } from '../src/context.js';

const call = async (argv: readonly string[], registered: readonly (CommandEntry | Register)[]) => {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: process.cwd(), env: {}, isTTY: false, signal: new AbortController().signal,
    out: (s) => (stdout += s), err: (s) => (stderr += s),
  };
  const code = await runCli(argv, ctx, registered);
  return { code, stdout, stderr };
};

/** The real commands, each recording when its module is loaded. */
const recording = () => {
  const loaded: string[] = [];
  const entries = commands.map((e): CommandEntry => ({ ...e, load: () => (loaded.push(e.name), e.load()) }));
  return { loaded, entries };
};

const allLoaded = await loadAllCommands();

test('hyperp --help and a bare hyperp list every command as their loaded definitions would, loading none', async () => {
  for (const argv of [['--help'], [], ['help']]) {
    const { loaded, entries } = recording();
    const lazy = await call(argv, entries);
    assert.equal(loaded, [], argv.join(' '));
    assert.equal(lazy, await call(argv, allLoaded), argv.join(' '));
    assert.match(lazy.stdout + lazy.stderr, /runs +list and inspect runs/);
  }
});

test('a command line loads the one command it names (after `help` too), and it runs with its options', async () => {
  for (const [argv, name] of [[['cost', 'estimate', '--cpu', '1024', '--memory', '2048', '--seconds', '600'], 'cost'], [['help', 'runs'], 'runs'], [['runs', '--help'], 'runs']] as const) {
    const { loaded, entries } = recording();
    const r = await call(argv, entries);
    assert.equal(loaded, [name], argv.join(' '));
    assert.is(r.code, 0, r.stderr);
    assert.equal(r, await call(argv, allLoaded), argv.join(' '));
  }
});

test('a misspelt command is a usage error naming the right one, loading none', async () => {
  const { loaded, entries } = recording();
  const r = await call(['rnus'], entries);
  assert.equal(loaded, []);
  assert.is(r.code, 2);
  assert.match(r.stderr, "unknown command 'rnus'");
  assert.match(r.stderr, '(Did you mean runs?)');
});

test('a command whose module fails to load is one line and exit 1, not a stack trace', async () => {
  const broken: CommandEntry = { name: 'broken', usage: '', summary: 'x', load: () => Promise.reject(new Error('Cannot find module x')) };
  const r = await call(['broken'], [broken]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^error: Cannot find module x/);
  assert.not.match(r.stderr, /\n\s+at /);
});

test.run();
