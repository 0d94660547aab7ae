/**
 * `hyperp doctor`: checks what hyperp needs on this machine — Node, git, an engine and its
 * sandbox, user namespaces, cgroup limits — and in remote mode the AWS credentials and the
 * deployment's API; each miss with how to fix it. Exit 0 only when the chosen mode has all it needs.
 */
import type { Register } from '../program.js';
import { ExitCode, UsageError, type CliContext } from '../context.js';
import { checksJson, formatChecks, missing, ready, type Check, type Mode } from '../doctor/check.js';
import { withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { ENGINE_HELP, parseEngine } from '../local/session.js';

interface DoctorOptions extends BackendOptions {
  readonly engine: string;
  readonly json?: boolean;
}

const doctor = async (ctx: CliContext, opts: DoctorOptions): Promise<number> => {
  if (opts.local && opts.api !== undefined) throw new UsageError('--local and --api contradict each other; give one');
  const choice = parseEngine(opts.engine);
  const url = opts.local ? undefined : opts.api ?? (ctx.env['HYPERP_API_URL'] || undefined);
  const mode: Mode = url === undefined ? 'local' : 'remote';
  const local = await import('../doctor/local-checks.js');
  const checks: Check[] = [local.nodeCheck(), await local.gitCheck(mode === 'local')];
  // `hyperp run` is always local, so its engines are shown in remote mode too (needed only in local mode).
  checks.push(...await local.engineChecks(choice, mode === 'local'), local.namespacesCheck(), local.cgroupCheck());
  if (url !== undefined) {
    // Only now: the SDK's credential providers and the signer load with these checks.
    const remote = await import('../doctor/remote-checks.js');
    const credentials = await remote.credentialsCheck(ctx);
    checks.push(credentials);
    checks.push(credentials.ok ? await remote.apiCheck(ctx, opts, url) : missing('api', 'not asked: there are no credentials to sign the request with', 'fix the aws credentials line first', true));
  }
  if (opts.json) ctx.out(`${JSON.stringify(checksJson(mode, checks), null, 2)}\n`);
  else ctx.out(formatChecks(mode, checks));
  return ready(checks) ? ExitCode.ok : ExitCode.failed;
};

export const registerDoctor: Register = (program, run) => {
  withBackendOptions(program
    .command('doctor')
    .description('check what hyperp needs here (Node, git, an engine and its sandbox; in remote mode AWS credentials and the API) and how to fix each miss')
    .option('--engine <engine>', `the engine hyperp run would be given: ${ENGINE_HELP}`, 'auto')
    .option('--json', 'print {ok, mode, checks} as JSON'))
    .action((opts: DoctorOptions) => run((ctx) => doctor(ctx, opts)));
};
