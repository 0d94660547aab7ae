/**
 * What a container runs, as Docker and ECS decide it: the task definition's `entryPoint` and
 * `command` override the image's ENTRYPOINT and CMD; an overriding entryPoint drops the image's
 * CMD (Docker's rule when the entrypoint is set at create time). The environment is the image's
 * ENV, then the task definition's, then hyperp's own variables.
 */
import type { ContainerDefinition } from '@hyperp/core';
import type { ImageConfig } from '../build/layout.js';

/** PATH when neither image nor task gives one: Docker's default for Linux containers. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type ContainerCommand =
  | { readonly _tag: 'Command'; readonly argv: readonly string[]; readonly workdir: string; readonly env: Readonly<Record<string, string>> }
  | { readonly _tag: 'NoCommand'; readonly message: string };

export const containerCommand = (
  container: Pick<ContainerDefinition, 'name' | 'entryPoint' | 'command' | 'workingDirectory' | 'environment'>,
  image: Pick<ImageConfig, 'entrypoint' | 'cmd' | 'workdir' | 'env' | 'user'>,
  extraEnv: Readonly<Record<string, string>>,
): ContainerCommand => {
  const entry = container.entryPoint ?? image.entrypoint;
  const cmd = container.command ?? (container.entryPoint ? [] : image.cmd);
  const argv = [...entry, ...cmd];
  if (argv.length === 0) {
    return { _tag: 'NoCommand', message: `container "${container.name}" has no command: set CMD or ENTRYPOINT in its Dockerfile, or command in the task definition` };
  }
  // Docker's HOME: the USER's home (root's when there is none).
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOME: image.user?.home ?? '/root', ...image.env };
  for (const kv of container.environment ?? []) env[kv.name] = kv.value;
  Object.assign(env, extraEnv);
  return { _tag: 'Command', argv, workdir: container.workingDirectory ?? image.workdir, env };
};
