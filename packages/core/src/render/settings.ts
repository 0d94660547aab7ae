/**
 * Infrastructure facts rendering needs, as plain data: the AWS adapter fills them from its
 * environment, local mode from its own layout, tests from literals. Keeping them a parameter
 * keeps rendering (and the reducer that calls it) pure.
 */
export interface RenderSettings {
  /** Region of the log group (`awslogs-region`). */
  readonly region: string;
  /** Repository images are pushed to; a built container runs `${imageRepository}:${imageKey}`. */
  readonly imageRepository: string;
  readonly efs: {
    readonly fileSystemId: string;
    /**
     * Absolute directory on the file system under which artifact paths live (`/` for the
     * root). Tasks mount `{rootDirectory}/{artifact path}` directly: ECS rejects any
     * `rootDirectory` other than `/` when a volume names an access point, so per-job mounts
     * use IAM authorization instead, with transit encryption (which IAM authorization needs).
     */
    readonly rootDirectory: string;
  };
  /**
   * The deployment's name prefix: its task-definition families are `{familyPrefix}_…`, so two
   * deployments in one account never register, run or delete each other's. Unset: `hyperp-…`.
   */
  readonly familyPrefix?: string;
  /** CloudWatch Logs group for task output (`awslogs-group`). */
  readonly logGroup: string;
  /** Used when the task definition names none: ECR pulls and awslogs need it. */
  readonly executionRoleArn?: string;
  /** Used when the task definition names none. */
  readonly taskRoleArn?: string;
  /**
   * Declared secrets are files the control plane writes in the run's folders (a deployment):
   * each job that declares any mounts its folder of them read-only at `/run/secrets`, and the
   * run's directories command names the files to write. Unset: the engine gives them itself
   * (local mode binds its own).
   */
  readonly secretsOnEfs?: boolean;
}

/** `{rootDirectory}/{path}` with exactly one `/` between, absolute. */
export const efsDirectory = (settings: RenderSettings, artifactPath: string): string =>
  `/${[settings.efs.rootDirectory, artifactPath].map((s) => s.replace(/^\/+|\/+$/g, '')).filter((s) => s !== '').join('/')}`;

/**
 * The artifact path (relative, as `names/artifacts.ts` builds it) that an EFS `rootDirectory`
 * rendered with these settings points at; undefined for a directory outside the artifact root.
 * Local mode uses it to map mounts onto `.hyperp/artifacts/`.
 */
export const artifactPathOfEfsDirectory = (settings: RenderSettings, rootDirectory: string): string | undefined => {
  const strip = (p: string): string => p.replace(/^\/+|\/+$/g, '');
  const root = strip(settings.efs.rootDirectory);
  const dir = strip(rootDirectory);
  if (root === '') return dir;
  if (dir === root) return '';
  return dir.startsWith(`${root}/`) ? dir.slice(root.length + 1) : undefined;
};
