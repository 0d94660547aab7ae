/**
 * Which host program serves an image's runtime on the process engine. The engine runs an
 * image's command with the host's own programs (it does not execute RUN steps nor pull a base),
 * and many hosts have `python3` but no `python`, which every python base image provides. For
 * an image `FROM python:…` (Docker Hub's or its ECR Public mirror), `python` and `pip` name the
 * host's `python3` and `pip3` inside the sandbox, as the image would have them. A `python` or
 * `node` image whose tag names a version (`python:3.12-slim`, `node:20`) that the host's
 * program is not gets a warning: the job runs, on another version than the image's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_SYSTEM_DIRS } from './sandbox.js';

export interface RuntimeAlias {
  /** The name the image's command uses. */
  readonly name: string;
  /** The host program it runs (a path under a host system directory, which the sandbox shows). */
  readonly target: string;
}

/** The official image `name` (Docker Hub's or its ECR Public mirror), with any tag or digest. */
const officialImage = (name: string) =>
  new RegExp(`^(?:(?:docker\\.io\\/|index\\.docker\\.io\\/|public\\.ecr\\.aws\\/docker\\/)?library\\/)?${name}(?:[:@]|$)`);

/** `python`, `python:3.9`, `docker.io/library/python:3.11-slim`, `public.ecr.aws/docker/library/python:3.9`, by digest too. */
export const isPythonBase = (baseImage: string): boolean => officialImage('python').test(baseImage.trim().toLowerCase());

/** The system folders of a standard PATH, searched after the user's own (which may name none of them). */
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The first `name` that the sandbox shows (under /usr, /bin…): in the folders of the host's PATH
 * that it shows, in their order, then in the standard system folders; undefined when there is none.
 */
export const hostProgram = (name: string, path: string = process.env['PATH'] ?? '', exists: (p: string) => boolean = existsSync): string | undefined =>
  [...new Set([...path.split(':'), ...SYSTEM_PATH])]
    .filter((d) => (HOST_SYSTEM_DIRS as readonly string[]).some((s) => d === `/${s}` || d.startsWith(`/${s}/`)))
    .map((d) => join(d, name))
    .find((p) => exists(p));

/** The names an image's command may use that the host gives otherwise. */
export const runtimeAliases = (baseImage: string, find: (name: string) => string | undefined = (n) => hostProgram(n)): RuntimeAlias[] => {
  if (!isPythonBase(baseImage)) return [];
  const python3 = find('python3');
  if (python3 === undefined) return [];
  const pip3 = find('pip3');
  return [
    { name: 'python', target: python3 },
    ...(pip3 === undefined ? [] : [{ name: 'pip', target: pip3 }]),
  ];
};

/** Folder of the image's root that holds the alias links; first on the container's PATH. */
export const ALIAS_DIR = '.hyperp-bin';

/** The language runtimes whose official images the process engine serves with a host program. */
const RUNTIMES = [
  { language: 'python', program: 'python3', image: officialImage('python') },
  { language: 'node', program: 'node', image: officialImage('node') },
] as const;

/** The version a tag names: `3.12` of `3.12-slim`, `20` of `20-alpine`; none for `latest`, `slim`, a digest. */
export const tagVersion = (baseImage: string): string | undefined => {
  const tag = /:([^:/@]+)(?:@|$)/.exec(baseImage.trim())?.[1];
  return tag === undefined ? undefined : /^v?(\d+(?:\.\d+)*)(?:-|$)/.exec(tag)?.[1];
};

/** Whether a host at `host` (`3.11.2`) is the version an image tag names (`3.11`, `3`): its leading parts. */
export const versionMatches = (imageVersion: string, host: string): boolean => {
  const h = host.split('.');
  return imageVersion.split('.').every((part, i) => Number(part) === Number(h[i]));
};

const versions = new Map<string, string | undefined>();

/** `python3 --version` → `3.11.2`, `node --version` → `20.20.2` (asked once per program). */
export const programVersion = (program: string): string | undefined => {
  if (!versions.has(program)) {
    const r = spawnSync(program, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    versions.set(program, /\d+(?:\.\d+)+/.exec(`${r.stdout ?? ''} ${r.stderr ?? ''}`)?.[0]);
  }
  return versions.get(program);
};

export interface ImageRuntime {
  readonly language: string;
  /** The version the image's tag names, if any. */
  readonly imageVersion?: string;
  /** The host program that serves it (undefined: the host has none the sandbox shows), and its version. */
  readonly program?: string;
  readonly hostVersion?: string;
  readonly aliases: readonly RuntimeAlias[];
}

/** Which runtime of this host serves an image on the process engine; undefined for an image of no known runtime. */
export const imageRuntime = (
  baseImage: string,
  find: (name: string) => string | undefined = (n) => hostProgram(n),
  versionOf: (program: string) => string | undefined = programVersion,
): ImageRuntime | undefined => {
  const r = RUNTIMES.find((x) => x.image.test(baseImage.trim().toLowerCase()));
  if (r === undefined) return undefined;
  const program = find(r.program);
  const imageVersion = tagVersion(baseImage);
  const hostVersion = program === undefined ? undefined : versionOf(program);
  return {
    language: r.language,
    ...(imageVersion === undefined ? {} : { imageVersion }),
    ...(program === undefined ? {} : { program }),
    ...(hostVersion === undefined ? {} : { hostVersion }),
    aliases: runtimeAliases(baseImage, find),
  };
};

/**
 * What a run (or plan) says of an image on the process engine: which host runtime serves it, and
 * a warning when that is not the version the image names, or when the host has none.
 */
export const runtimeNotice = (dockerfilePath: string, baseImage: string, rt: ImageRuntime): { note: string; warning?: string } => {
  const image = `${dockerfilePath} (FROM ${baseImage})`;
  if (rt.program === undefined) {
    return { note: `${image} needs ${rt.language}, which this machine lacks`, warning: `${image} needs ${rt.language}; this machine has none under /usr or /bin, so its jobs cannot run on the process engine (--engine docker or podman runs the image's own)` };
  }
  const served = rt.aliases.length > 0 ? rt.aliases.map((a) => `${a.target} (as "${a.name}")`).join(' and ') : rt.program;
  const host = `this machine's ${rt.language}${rt.hostVersion === undefined ? '' : ` ${rt.hostVersion}`}, ${served}`;
  const note = `${image} runs on ${host}, not the image's own`;
  if (rt.imageVersion === undefined || rt.hostVersion === undefined || versionMatches(rt.imageVersion, rt.hostVersion)) return { note };
  return {
    note,
    warning: `${image} is ${rt.language} ${rt.imageVersion}, but the process engine runs it on ${host}; ` +
      `what differs between the two versions may change what its jobs do (--engine docker or podman runs the image's own)`,
  };
};
