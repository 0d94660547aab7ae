/**
 * Which host program serves an image's runtime on the process engine. The engine runs an
 * image's command with the host's own programs (it does not execute RUN steps nor pull a base),
 * and many hosts have `python3` but no `python`, which every python base image provides. For
 * an image `FROM python:…` (Docker Hub's or its ECR Public mirror), `python` and `pip` name the
 * host's `python3` and `pip3` inside the sandbox, as the image would have them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_SYSTEM_DIRS } from './sandbox.js';

export interface RuntimeAlias {
  /** The name the image's command uses. */
  readonly name: string;
  /** The host program it runs (a path under a host system directory, which the sandbox shows). */
  readonly target: string;
}

/** `python`, `python:3.9`, `docker.io/library/python:3.11-slim`, `public.ecr.aws/docker/library/python:3.9`, by digest too. */
export const isPythonBase = (baseImage: string): boolean =>
  /^(?:(?:docker\.io\/|index\.docker\.io\/|public\.ecr\.aws\/docker\/)?library\/)?python(?:[:@]|$)/.test(baseImage.trim().toLowerCase());

/** The first `name` on the host's PATH that the sandbox shows (under /usr, /bin…); undefined when there is none. */
export const hostProgram = (name: string, path: string = process.env['PATH'] ?? '/usr/bin:/bin', exists: (p: string) => boolean = existsSync): string | undefined =>
  path.split(':')
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

/** The line saying which host runtime serves an image. */
export const runtimeNote = (dockerfilePath: string, baseImage: string, aliases: readonly RuntimeAlias[]): string | undefined =>
  aliases.length === 0 ? undefined
    : `process engine: ${dockerfilePath} (FROM ${baseImage}) runs on this machine's ${aliases.map((a) => `${a.target} (as "${a.name}")`).join(' and ')}, not the image's own`;
