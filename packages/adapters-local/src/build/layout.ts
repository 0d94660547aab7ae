/**
 * The process engine's "build": lays the Dockerfile's COPY/ADD sources out of the filtered build
 * context into an image directory, with the runtime settings next to them:
 *   `<images>/<key>/rootfs/…`   files at the paths the image would hold them
 *   `<images>/<key>/image.json` `ImageConfig` (workdir, env, entrypoint, cmd, what was skipped)
 * The directory is written under a temporary name and renamed into place, so a crash never leaves
 * a half-built image under its key, and two builders of the same key both end with one image; a
 * build that fails removes its temporary folder and names the file it could not lay out.
 *
 * Files are written without following links (`fs/contained.ts`): a context file that is a link
 * is laid out as that link, and nothing is ever written through one. An image folder is used
 * only when `image.json` says hyperp made it for that key (`readImageFolder`).
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ImageRecipe } from './recipe.js';
import { resolveUser, type AccountFile, type ImageUser } from './user.js';
import {
  lstatContained, mkdirContained, PathEscapeError, readContained, symlinkContained, writeFileContained,
} from '../fs/contained.js';
import { alive } from '../fs/scratch.js';

/** An image's runtime settings as laid out: the recipe without its COPY steps, and what they made. */
export interface ImageConfig extends Omit<ImageRecipe, 'copies' | 'user'> {
  readonly key: string;
  /** `IMAGE_MADE_BY`: written by hyperp's layout, checked before an image is used. */
  readonly madeBy: string;
  /** Absolute in-image paths of every file laid out. */
  readonly files: readonly string[];
  /** The Dockerfile's USER, resolved; absent: root, as in Docker. */
  readonly user?: ImageUser;
}

/** The host's user and group databases, for a USER the image's own files do not name. */
export interface HostAccounts {
  readonly passwd?: string;
  readonly group?: string;
}

const readOr = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export const readHostAccounts = (): HostAccounts => {
  const passwd = readOr('/etc/passwd');
  const group = readOr('/etc/group');
  return { ...(passwd === undefined ? {} : { passwd }), ...(group === undefined ? {} : { group }) };
};

/** `/etc/<name>` of the image when it holds one as a file (never through a link), else the host's. */
export const accountFile = (rootfs: string, name: 'passwd' | 'group', host: string | undefined): AccountFile | undefined => {
  const own = readContained(rootfs, `etc/${name}`);
  if (own?._tag === 'File') return { text: own.bytes.toString('utf8'), from: `the image's /etc/${name}` };
  return host === undefined ? undefined : { text: host, from: `the host's /etc/${name} (the image has none)` };
};

/** The files of the build context after `.dockerignore`, relative to the context root. */
export interface BuildContext {
  readonly files: readonly string[];
  /** The file's bytes; for a symbolic link, its target text (what git stores). */
  readonly read: (contextPath: string) => Buffer;
  /** Unix permission bits; executables stay executable in the image. */
  readonly mode: (contextPath: string) => number;
  /** The target of a file that is a symbolic link (laid out as a link, never followed); undefined for a file. */
  readonly link?: (contextPath: string) => string | undefined;
}

export type LayoutResult =
  | { readonly _tag: 'Laid'; readonly config: ImageConfig }
  | { readonly _tag: 'LayoutError'; readonly message: string };

const hasGlob = (s: string): boolean => /[*?[]/.test(s);

/** Go's filepath.Match, which Docker uses for COPY sources: `*` and `?` never cross `/`. */
const globToRegExp = (glob: string): RegExp => {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^\^/, '!');
        re += '[' + (body.startsWith('!') ? '^' + body.slice(1) : body).replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
};

const clean = (p: string): string => p.split('/').filter((s) => s !== '' && s !== '.').join('/');

/**
 * Which context files a COPY source names and where each lands: a file goes to `dest` (or
 * `dest/<basename>` when dest is a directory), a directory's contents go below `dest`.
 */
const resolveSource = (source: string, dest: string, destIsDir: boolean, files: readonly string[]): [string, string][] => {
  const src = clean(source);
  const out: [string, string][] = [];
  const matches = hasGlob(src)
    ? [...new Set(files.flatMap((f) => {
        // A glob may name a directory: find every prefix of a file that matches.
        const parts = f.split('/');
        const depth = src.split('/').length;
        const prefix = parts.slice(0, depth).join('/');
        return parts.length >= depth && globToRegExp(src).test(prefix) ? [prefix] : [];
      }))]
    : [src];
  for (const m of matches) {
    const isFile = files.includes(m);
    if (isFile) {
      const base = m.slice(m.lastIndexOf('/') + 1);
      out.push([m, destIsDir ? `${dest.replace(/\/$/, '')}/${base}` : dest]);
      continue;
    }
    const under = m === '' ? '' : `${m}/`;
    for (const f of files) if (f.startsWith(under)) out.push([f, `${dest.replace(/\/$/, '')}/${f.slice(under.length)}`]);
  }
  return out;
};

/** Marks an image folder as laid out by this builder: a folder without it is never run or reused. */
export const IMAGE_MADE_BY = 'hyperp process engine, image format 2';

/** An image folder as found under `.hyperp/images/<key>/`. */
export type ImageFolder =
  | { readonly _tag: 'Trusted'; readonly config: ImageConfig; readonly rootfs: string }
  | { readonly _tag: 'Missing' }
  | { readonly _tag: 'Untrusted'; readonly reason: string };

/**
 * The image folder of `key`, trusted only when hyperp made it for that key: a real folder (no
 * link on the way), an `image.json` (a regular file) that names this key and this builder, and
 * a real `rootfs/` folder. Anything else under the key is reported, never used.
 */
export const readImageFolder = (imagesDir: string, key: string): ImageFolder => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key)) return { _tag: 'Untrusted', reason: `${JSON.stringify(key)} is not an image key` };
  const untrusted = (why: string): ImageFolder =>
    ({ _tag: 'Untrusted', reason: `${join(imagesDir, key)} was not made by hyperp for image ${key.slice(0, 12)}… (${why}); remove it and run again` });
  let folder, json, rootfs;
  try {
    folder = lstatContained(imagesDir, key);
    if (folder === undefined) return { _tag: 'Missing' };
    if (!folder.isDirectory()) return untrusted('it is not a folder');
    json = readContained(imagesDir, `${key}/image.json`);
    rootfs = lstatContained(imagesDir, `${key}/rootfs`);
  } catch (e) {
    return untrusted((e as Error).message);
  }
  if (json === undefined) return { _tag: 'Missing' }; // a build that stopped before its rename never leaves this
  if (json._tag !== 'File') return untrusted('its image.json is not a file');
  let config: Partial<ImageConfig> | null;
  try {
    config = JSON.parse(json.bytes.toString('utf8')) as Partial<ImageConfig> | null;
  } catch {
    return untrusted('its image.json is not valid JSON');
  }
  if (config?.madeBy !== IMAGE_MADE_BY || config.key !== key) return untrusted('its image.json does not name this key and builder');
  if (!rootfs?.isDirectory()) return untrusted('its rootfs is not a folder');
  return { _tag: 'Trusted', config: config as ImageConfig, rootfs: join(imagesDir, key, 'rootfs') };
};

const TEMP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.tmp-([1-9][0-9]*)-[0-9]+$/;

/**
 * Removes the temporary folders of builds whose process is gone (a crash mid-build): real
 * folders (never links) named as `layoutImage` names them, beside the images. Nothing else.
 */
export const removeOrphanImageTemps = (imagesDir: string): void => {
  if (!lstatSync(imagesDir, { throwIfNoEntry: false })?.isDirectory()) return;
  for (const name of readdirSync(imagesDir)) {
    const pid = Number(TEMP_NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid) || !lstatSync(join(imagesDir, name)).isDirectory()) continue;
    rmSync(join(imagesDir, name), { recursive: true, force: true });
  }
};

/** A layout step: where a context file lands, from which COPY line. */
interface Placement {
  readonly from: string;
  readonly line: number;
}

/** Writes the placed files under `rootfs`; links at the top of the image are left out (they would become mounts). */
const writePlaced = (rootfs: string, placed: ReadonlyMap<string, Placement>, context: BuildContext): { warnings: string[]; left: Set<string> } => {
  const warnings: string[] = [];
  const left = new Set<string>();
  for (const [to, { from, line }] of placed) {
    const rel = to.replace(/^\/+/, '');
    try {
      const link = context.link?.(from);
      if (link !== undefined && !rel.includes('/')) {
        warnings.push(`line ${line}: ${from} is a symbolic link to ${link}; a link at the top of the image (${to}) is not laid out`);
        left.add(to);
      } else if (link !== undefined) {
        symlinkContained(rootfs, rel, link);
      } else {
        writeFileContained(rootfs, rel, context.read(from), context.mode(from));
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EEXIST' ? `${to} already exists in the image as a folder or link` : err.message;
      throw new LayoutFailure(`line ${line}: cannot lay out ${from} at ${to}: ${why}`);
    }
  }
  return { warnings, left };
};

class LayoutFailure extends Error {}

export const layoutImage = (
  recipe: ImageRecipe, context: BuildContext, imagesDir: string, key: string, hostAccounts: HostAccounts = readHostAccounts(),
): LayoutResult => {
  const finalDir = join(imagesDir, key);
  const placed = new Map<string, Placement>(); // in-image path → context path (later COPY wins)
  for (const step of recipe.copies) {
    // Docker also copies into a destination that already is a directory of the image.
    const destIsDir =
      step.dest.endsWith('/') || step.dest === '/' || step.sources.length > 1 || step.sources.some(hasGlob) ||
      step.dest === recipe.workdir || [...placed.keys()].some((p) => p.startsWith(`${step.dest}/`));
    for (const source of step.sources) {
      const pairs = resolveSource(source, step.dest, destIsDir, context.files);
      if (pairs.length === 0) {
        return { _tag: 'LayoutError', message: `line ${step.line}: COPY source "${source}" matches no file of the build context (after .dockerignore)` };
      }
      for (const [from, to] of pairs) {
        const at = to.replace(/\/+/g, '/');
        placed.delete(at); // a later COPY of the same path is written after the ones it overrides
        placed.set(at, { from, line: step.line });
      }
    }
  }
  const existing = readImageFolder(imagesDir, key);
  if (existing._tag === 'Trusted') return { _tag: 'Laid', config: existing.config };
  if (existing._tag === 'Untrusted') return { _tag: 'LayoutError', message: existing.reason };
  const tmp = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  let config: ImageConfig;
  try {
    mkdirSync(imagesDir, { recursive: true }); // the store's own folder (checkLayout refuses a linked one)
    const rootfs = mkdirContained(imagesDir, `${basename(tmp)}/rootfs`);
    mkdirContained(rootfs, recipe.workdir.replace(/^\/+/, ''));
    const written = writePlaced(rootfs, placed, context);
    const user = recipe.user === undefined ? undefined
      : resolveUser(recipe.user.spec, accountFile(rootfs, 'passwd', hostAccounts.passwd), accountFile(rootfs, 'group', hostAccounts.group));
    if (user !== undefined && 'error' in user) throw new LayoutFailure(`line ${recipe.user!.line}: ${user.error}`);
    config = {
      key,
      madeBy: IMAGE_MADE_BY,
      baseImage: recipe.baseImage,
      workdir: recipe.workdir,
      env: recipe.env,
      entrypoint: recipe.entrypoint,
      cmd: recipe.cmd,
      skippedRuns: recipe.skippedRuns,
      warnings: [...recipe.warnings, ...written.warnings],
      files: [...placed.keys()].filter((p) => !written.left.has(p)).sort(),
      ...(user === undefined ? {} : { user }),
    };
    writeFileSync(join(tmp, 'image.json'), JSON.stringify(config, null, 2) + '\n');
  } catch (e) {
    // A failed build leaves nothing behind: the folder is this build's own (pid and time in its name).
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof LayoutFailure || e instanceof PathEscapeError) return { _tag: 'LayoutError', message: e.message };
    throw e;
  }
  try {
    renameSync(tmp, finalDir);
  } catch (e) {
    // Another builder of the same key finished first: its image is the same one.
    rmSync(tmp, { recursive: true, force: true });
    const other = readImageFolder(imagesDir, key);
    if (other._tag !== 'Trusted') throw e;
    return { _tag: 'Laid', config: other.config };
  }
  return { _tag: 'Laid', config };
};
