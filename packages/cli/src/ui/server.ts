/**
 * The web view's HTTP server: the built page as static files, and a small JSON API over the
 * backend (this machine's runs, or a deployment's), with live streams (server-sent events) of
 * the runs list and of a run. It listens on 127.0.0.1 only; `guard.ts` decides who may talk to it.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { UnsafeLayoutError } from '@hyperp/adapters-local';
import { CliError, UsageError, type CliContext } from '../context.js';
import { refusal } from './guard.js';
import { uiBackend, type UiBackend, type UiOptions } from './backend.js';

export interface UiServer {
  /** `http://127.0.0.1:<port>/#token=…`: the page, with the session's token. */
  readonly url: string;
  readonly port: number;
  readonly backend: UiBackend;
  readonly close: () => Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};

/** No request leaves the page except to this server; no other site may frame it (a confirmation could be clicked through). */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/** Where the built page is: `HYPERP_UI_DIR`, else `@hyperp/ui`'s `dist/web`. */
export const webDirOf = (env: Readonly<Record<string, string | undefined>>): string => {
  const given = env['HYPERP_UI_DIR'];
  if (given) return given;
  const pkg = createRequire(import.meta.url).resolve('@hyperp/ui/package.json');
  return join(dirname(pkg), 'dist', 'web');
};

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

const statusOf = (e: unknown): number =>
  e instanceof UsageError || e instanceof CliError || e instanceof UnsafeLayoutError ? (/^no run |has no job|has no task|has no attempt/.test((e as Error).message) ? 404 : 400) : 500;

const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 64 * 1024) throw new UsageError('the request body is too big');
  }
  try {
    const v = JSON.parse(text || '{}') as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new UsageError('the request body must be a JSON object');
};

const str = (q: URLSearchParams, name: string): string => {
  const v = q.get(name);
  if (v === null || v === '') throw new UsageError(`the query needs ${name}`);
  return v;
};

const int = (q: URLSearchParams, name: string): number | undefined => {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of 1 or more, not "${v}"`);
  return n;
};

export const startUiServer = async (ctx: CliContext, opts: UiOptions & { port: number; backend?: UiBackend }): Promise<UiServer> => {
  const webDir = webDirOf(ctx.env);
  const indexFile = join(webDir, 'index.html');
  if (!existsSync(indexFile)) throw new CliError(`the web view is not built (${indexFile} is missing): run pnpm build in the hyperp checkout (or pnpm --filter @hyperp/ui build)`);
  const backend = opts.backend ?? uiBackend(ctx, opts);
  const token = randomBytes(24).toString('base64url');
  const streams = new Set<() => void>();
  let port = opts.port;

  /** A server-sent event stream of `compute()`, sent again whenever it changes (looked for each poll). */
  const stream = (req: IncomingMessage, res: ServerResponse, signature: () => string, compute: () => Promise<unknown>, everyMs = backend.pollMs): void => {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    let lastSig: string | undefined;
    let lastBody: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    let beat = Date.now();
    let closed = false;
    const end = () => {
      closed = true;
      clearTimeout(timer);
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    req.on('close', end);
    const tick = async () => {
      try {
        const sig = signature();
        if (sig !== lastSig) {
          lastSig = sig;
          const body = JSON.stringify(await compute());
          if (body !== lastBody && !closed) {
            lastBody = body;
            res.write(`data: ${body}\n\n`);
            beat = Date.now();
          }
        }
      } catch (e) {
        if (!closed) res.write(`event: problem\ndata: ${JSON.stringify({ error: (e as Error).message })}\n\n`);
        lastSig = undefined;
      }
      // A comment now and then keeps proxies and the browser from giving up on a quiet stream.
      if (!closed && Date.now() - beat > 15_000) {
        res.write(': still here\n\n');
        beat = Date.now();
      }
      if (!closed) timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const q = url.searchParams;
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/info':
        return sendJson(res, 200, { mode: backend.mode, where: backend.where });
      case 'GET /api/runs':
        return sendJson(res, 200, await backend.runs());
      case 'GET /api/run':
        return sendJson(res, 200, await backend.run(str(q, 'id')));
      case 'GET /api/stream/runs':
        // The list folds every run's log: at most once a second, however busy the runs are.
        return stream(req, res, backend.runsSignature, backend.runs, Math.max(1000, backend.pollMs));
      case 'GET /api/stream/run': {
        const id = str(q, 'id');
        return stream(req, res, () => backend.runSignature(id), () => backend.run(id));
      }
      case 'GET /api/log':
        return sendJson(res, 200, await backend.log(str(q, 'id'), str(q, 'job'), int(q, 'index') ?? 1, int(q, 'attempt'), q.get('cursor')));
      case 'GET /api/artifacts':
        return sendJson(res, 200, await backend.artifacts(str(q, 'id')));
      case 'GET /api/download': {
        const id = str(q, 'id');
        const job = str(q, 'job');
        const { file, cleanup } = await backend.download(id, job);
        const name = `${job}-${id}.zip`.replace(/[^A-Za-z0-9._-]+/g, '_');
        res.writeHead(200, {
          ...SECURITY_HEADERS, 'Content-Type': 'application/zip', 'Content-Length': String(statSync(file).size),
          'Content-Disposition': `attachment; filename="${name}"`,
        });
        createReadStream(file).on('close', cleanup).pipe(res);
        return;
      }
      case 'POST /api/cancel': {
        const body = await readBody(req);
        if (typeof body['id'] !== 'string') throw new UsageError('the body needs "id": the run to cancel');
        return sendJson(res, 200, { message: await backend.cancel(body['id']) });
      }
      case 'POST /api/rerun': {
        const body = await readBody(req);
        if (typeof body['id'] !== 'string') throw new UsageError('the body needs "id": the run to run again');
        return sendJson(res, 200, await backend.rerun(body['id'], body['failed'] === true));
      }
      case 'GET /api/workflows':
        return sendJson(res, 200, await backend.workflows());
      default:
        return sendJson(res, 404, { error: `no such request: ${route}` });
    }
  };

  const page = (res: ServerResponse, pathname: string): void => {
    // Only files of the built page; any other path is the page itself (its views are in the hash).
    const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const file = join(webDir, rel);
    const inside = rel !== '' && !rel.split(/[/\\]/).some((p) => p.startsWith('.')) && file.startsWith(webDir + sep);
    const chosen = inside && existsSync(file) && statSync(file).isFile() ? file : indexFile;
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': TYPES[extname(chosen)] ?? 'application/octet-stream' });
    res.end(readFileSync(chosen));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const refused = refusal({ port, token }, {
      method: req.method ?? 'GET', path: url.pathname, host: header('host'), origin: header('origin'),
      token: header('x-hyperp-token') ?? url.searchParams.get('token') ?? undefined, contentType: header('content-type'),
    });
    if (refused) return sendJson(res, refused.status, { error: refused.message });
    if (url.pathname.startsWith('/api/')) {
      api(req, res, url).catch((e: unknown) => {
        if (res.headersSent) return void res.end();
        sendJson(res, statusOf(e), { error: e instanceof Error ? e.message : String(e) });
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'the page is read with GET' });
    try {
      page(res, url.pathname);
    } catch (e) {
      sendJson(res, 400, { error: (e as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new CliError(`port ${opts.port} on 127.0.0.1 is in use: pass --port N (0 for any free port)`) : e));
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    backend,
    close: async () => {
      for (const end of [...streams]) end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await backend.close();
    },
  };
};
