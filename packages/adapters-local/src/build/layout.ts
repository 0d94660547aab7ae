/**
 * The process engine's "build": lays the Dockerfile's COPY/ADD sources out of the filtered build
 * context into an image directory, with the runtime settings next to them:
 *   `<images>/<key>/rootfs/…`   files at the paths the image would hold them
 *   `<images>/<key>/image.json` `ImageConfig` (workdir, env, entrypoint, cmd, what was skipped)
 * The directory is written under a temporary name and renamed into place, so a crash never leaves
 * a half-built image under its key, and two builders of the same key both end with one image.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImageRecipe } from './recipe.js';

/** An image's runtime settings as laid out: the recipe without its COPY steps, and what they made. */
export interface ImageConfig extends Omit<ImageRecipe, 'copies'> {
  readonly key: string;
  /** Absolute in-image paths of every file laid out. */
  readonly files: readonly string[];
}

/** The files of the build context after `.dockerignore`, relative to the context root. */
export interface BuildContext {
  readonly files: readonly string[];
  readonly read: (contextPath: string) => Buffer;
  /** Unix permission bits; executables stay executable in the image. */
  readonly mode: (contextPath: string) => number;
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

export const layoutImage = (recipe: ImageRecipe, context: BuildContext, imagesDir: string, key: string): LayoutResult => {
  const finalDir = join(imagesDir, key);
  const placed = new Map<string, string>(); // in-image path → context path (later COPY wins)
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
      for (const [from, to] of pairs) placed.set(to.replace(/\/+/g, '/'), from);
    }
  }
  const config: ImageConfig = {
    key,
    baseImage: recipe.baseImage,
    workdir: recipe.workdir,
    env: recipe.env,
    entrypoint: recipe.entrypoint,
    cmd: recipe.cmd,
    skippedRuns: recipe.skippedRuns,
    warnings: recipe.warnings,
    files: [...placed.keys()].sort(),
  };
  if (existsSync(join(finalDir, 'image.json'))) return { _tag: 'Laid', config };
  const tmp = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  const rootfs = join(tmp, 'rootfs');
  mkdirSync(join(rootfs, recipe.workdir), { recursive: true });
  for (const [to, from] of placed) {
    const target = join(rootfs, to);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, context.read(from));
    chmodSync(target, context.mode(from) & 0o777);
  }
  writeFileSync(join(tmp, 'image.json'), JSON.stringify(config, null, 2) + '\n');
  try {
    renameSync(tmp, finalDir);
  } catch (e) {
    // Another builder of the same key finished first: its image is the same one.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(finalDir, 'image.json'))) throw e;
  }
  return { _tag: 'Laid', config };
};
