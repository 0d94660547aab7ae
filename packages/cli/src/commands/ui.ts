/**
 * `hyperp ui`: a web view of the runs (this machine's, or a deployment's in remote mode), served
 * on 127.0.0.1 until Ctrl-C. The server's modules load only when the command runs, so every other
 * command starts as fast as before.
 */
import { spawn } from 'node:child_process';
import type { Register } from '../program.js';
import { ExitCode, UsageError } from '../context.js';
import { withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { ENGINE_HELP, parseEngine } from '../local/session.js';

export const DEFAULT_UI_PORT = 7077;

const parsePort = (s: string | undefined): number => {
  if (s === undefined) return DEFAULT_UI_PORT;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a port number (0 for any free port), not "${s}"`);
  return n;
};

/** The desktop's browser; a machine without one (a server over SSH) just has the printed URL. */
const openBrowser = (url: string, err: (s: string) => void): void => {
  const program = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(program, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => err(`could not start ${program} to open the page; open the URL above yourself\n`));
  child.unref();
};

export const registerUi: Register = (program, run) => {
  withBackendOptions(program
    .command('ui')
    .description('a web view of the runs: the DAG live, logs, timeline, costs, artifacts (on 127.0.0.1)')
    .option('--repo <dir|owner/name>', 'repository folder (remote: owner/name, or a folder whose GitHub origin names it)')
    .option('--port <n>', `port on 127.0.0.1 (default ${DEFAULT_UI_PORT}; 0: any free port)`)
    .option('--open', 'open the page in the browser')
    .option('--engine <engine>', `the engine of the reruns started from the page: ${ENGINE_HELP}`, 'auto'))
    .action((opts: { repo?: string; port?: string; open?: boolean; engine?: string } & BackendOptions) =>
      run(async (ctx) => {
        const port = parsePort(opts.port);
        parseEngine(opts.engine);
        const { startUiServer } = await import('../ui/server.js');
        const server = await startUiServer(ctx, { ...opts, port });
        ctx.out(`hyperp ui: ${server.url}\n  ${server.backend.mode === 'local' ? 'runs of' : 'runs of the deployment'} ${server.backend.where}; Ctrl-C stops it\n`);
        if (opts.open) openBrowser(server.url, ctx.err);
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await server.close();
        return ExitCode.ok;
      }),
    );
};
