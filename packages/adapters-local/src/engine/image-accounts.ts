/**
 * An image's own `/etc/passwd` and `/etc/group`, read without running anything of it: a
 * container is created (never started) and each file is copied out with `cp <ctr>:/etc/<f> -`,
 * a tar stream on standard output; docker and podman do both alike. The image is a hostile
 * repository's, so the stream is read only until MAX_ACCOUNT_FILE_BYTES of the file (the copy
 * is stopped past it), a link or anything but a regular file counts as no file (Docker would
 * follow a link inside the image; hyperp then finds no user and says so), and the container
 * carries its owner, so the reaper removes it whatever happens to hyperp.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { extract } from 'tar-stream';
import { MAX_ACCOUNT_FILE_BYTES, type AccountFile } from '../build/user.js';
import { capture, lastLine } from './capture.js';
import { OWNER_LABEL } from './container-owner.js';

export interface ImageAccounts {
  readonly passwd?: AccountFile;
  readonly group?: AccountFile;
}

/** What a `cp … -` gave: the file's text, none (absent, a link, a folder), or why it could not be read. */
type Copied = { readonly text?: string } | { readonly error: string };

/** The first entry of a tar stream when it is a regular file of at most `limit` bytes. */
export const firstFileOfTar = (stream: NodeJS.ReadableStream, limit: number): Promise<Copied> =>
  new Promise((resolve) => {
    const ex = extract();
    let settled = false;
    const done = (c: Copied) => {
      if (settled) return;
      settled = true;
      resolve(c);
      ex.destroy();
    };
    ex.on('entry', (header, body, next) => {
      if (header.type !== 'file') return done({});
      if (header.size > limit) return done({ error: `is larger than ${limit} bytes` });
      const chunks: Buffer[] = [];
      let size = 0;
      body.on('data', (chunk: unknown) => {
        const d = chunk as Buffer;
        size += d.length;
        if (size > limit) return done({ error: `is larger than ${limit} bytes` });
        chunks.push(d);
      });
      body.on('end', () => {
        done({ text: Buffer.concat(chunks).toString('utf8') });
        next();
      });
    });
    ex.on('finish', () => done({}));
    ex.on('error', (e: Error) => done({ error: `could not be read: ${e.message}` }));
    stream.on('error', (e: Error) => done({ error: `could not be read: ${e.message}` }));
    stream.pipe(ex);
  });

/** `cli cp <container>:/etc/<name> -`, read as firstFileOfTar; a file the image lacks is no file. */
const copyOut = (cli: string, container: string, name: string): Promise<Copied> =>
  new Promise((resolve) => {
    let stderr = '';
    const child = spawn(cli, ['cp', `${container}:/etc/${name}`, '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
    const closed = new Promise<number | null>((r) => {
      child.once('error', () => r(null));
      child.once('close', (code) => r(code));
    });
    void firstFileOfTar(child.stdout, MAX_ACCOUNT_FILE_BYTES).then(async (c) => {
      if ('text' in c && c.text !== undefined) {
        child.kill('SIGKILL');
        return resolve(c);
      }
      if ('error' in c) {
        child.kill('SIGKILL');
        return resolve(c);
      }
      // No archive, or no regular file in it: absent (or a link) is no file; any other failure is one.
      const code = await closed;
      const absent = code === 0 || /no such file|not exist|could not find|not found/i.test(stderr);
      resolve(absent ? {} : { error: `could not be copied: ${stderr.trim().split('\n').pop() ?? `exit code ${code}`}` });
    });
  });

/**
 * The image's account files, or why they could not be read. `owner` labels the short-lived
 * container (see container-owner.ts).
 */
export const readImageAccounts = async (cli: 'docker' | 'podman', imageRef: string, owner: string): Promise<ImageAccounts | { readonly error: string }> => {
  const name = `hyperp-accounts-${randomBytes(8).toString('hex')}`;
  const created = await capture(cli, ['create', '--name', name, '--label', `${OWNER_LABEL}=${owner}`, '--network', 'none', '--entrypoint', '/hyperp-never-started',
    // podman's cp looks the container's user up in the very files it is asked for: a numeric one needs none.
    '--user', '0:0', imageRef]);
  if (created.code !== 0) return { error: `${cli} create could not read the image's users: ${lastLine(created)}` };
  try {
    const [passwd, group] = await Promise.all([copyOut(cli, name, 'passwd'), copyOut(cli, name, 'group')]);
    for (const [f, c] of [['passwd', passwd], ['group', group]] as const) if ('error' in c) return { error: `the image's /etc/${f} ${c.error}` };
    const text = (c: Copied) => ('text' in c ? c.text : undefined);
    const p = text(passwd);
    const g = text(group);
    return {
      ...(p === undefined ? {} : { passwd: { text: p, from: "the image's /etc/passwd" } }),
      ...(g === undefined ? {} : { group: { text: g, from: "the image's /etc/group" } }),
    };
  } finally {
    await capture(cli, ['rm', '-f', name]);
  }
};
