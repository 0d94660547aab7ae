/**
 * Checking a task definition file of the repo: JSON syntax, the RegisterTaskDefinition shape
 * (container names, architecture, network mode, at most ten containers), one image source per
 * container, Dockerfiles present, a task size and ephemeral storage Fargate accepts, and no
 * mount where hyperp mounts its own; warnings for roles and secrets that only work locally.
 * Issues point into the JSON file with line and column.
 */
import type { RepoSnapshot } from '../repo/snapshot.js';
import { normaliseRepoPath } from '../repo/path.js';
import { decode } from '../workflow/decode.js';
import { formatPath, syntaxIssues, type ValidationIssue } from '../workflow/issue.js';
import { repoFileProblem } from '../workflow/repo-path.js';
import { didYouMean, issueAt, type FileContext } from '../workflow/rule.js';
import { fargateSizeIssues } from '../workflow/rules-workflow.js';
import { parseJson } from '../workflow/source.js';
import { textBoundsIssues } from '../workflow/rules-bounds.js';
import { parseCpuUnits, parseMemoryMiB } from '../fargate/size.js';
import { fargateGrid } from '../fargate/grid.js';
import { INCLUDED_EPHEMERAL_GB, MAX_EPHEMERAL_GB } from '../cost/prices.js';
import { efsRootProblem, pathsOverlap, RESERVED_VOLUME_PREFIX } from '../render/mounts.js';
import { TaskDefinitionCodec, type TaskDefinition } from './model.js';
import { environmentVariables } from './rules-environment.js';
import { unknownTaskDefinitionKeys } from './rules-keys.js';

/** Containers per task definition: a fixed ECS quota (Amazon ECS service quotas; checked 2026-11-22). */
const MAX_CONTAINERS = 10;

/** The least `ephemeralStorage.sizeInGiB` ECS takes; less is the included 20 GiB, by leaving it out. */
const MIN_EPHEMERAL_GIB = 21;

/** A checked task definition file: the decoded definition when it has no errors, and its issues. */
export interface TaskDefinitionCheck {
  /**
   * Present when the file has no errors: task-level `cpu` and `memory` as whole-number strings
   * (units, MiB; what ECS stores), `dockerfilePath`s as normalised repo paths.
   */
  readonly taskDefinition?: TaskDefinition;
  readonly issues: readonly ValidationIssue[];
  /** Bytes of the file's text, when it was read. */
  readonly bytes?: number;
}

type TaskDefinitionContext = FileContext & { readonly taskDefinition: TaskDefinition; readonly repo: RepoSnapshot };
type TaskDefinitionRule = (ctx: TaskDefinitionContext) => ValidationIssue[];

/** Keys of the raw container that look like a misspelt `image` or `dockerfilePath` ("dockerFilePath"). */
const misspeltImageKey = (ctx: TaskDefinitionContext, k: number): string => {
  const raw = (ctx.source.value as { containerDefinitions: Record<string, unknown>[] }).containerDefinitions[k] ?? {};
  for (const key of Object.keys(raw)) {
    const hint = didYouMean(key, ['image', 'dockerfilePath']);
    if (hint && key !== 'image' && key !== 'dockerfilePath') return ` (it has "${key}"${hint.replace(/^;/, ',')})`;
  }
  return '';
};

export const containerImages: TaskDefinitionRule = (ctx) =>
  ctx.taskDefinition.containerDefinitions.flatMap((c, k) => {
    const has = [c.image !== undefined, c.dockerfilePath !== undefined];
    if (has[0] !== has[1]) return [];
    const message = has[0]
      ? `container "${c.name}" gives both "image" and "dockerfilePath"; keep one`
      : `container "${c.name}" gives neither "image" nor "dockerfilePath"; hyperp needs one of them${misspeltImageKey(ctx, k)}`;
    return [issueAt(ctx, 'error', 'container-image', ['containerDefinitions', k], message)];
  });

export const dockerfilesPresent: TaskDefinitionRule = (ctx) =>
  ctx.taskDefinition.containerDefinitions.flatMap((c, k) => {
    if (c.dockerfilePath === undefined) return [];
    const problem = repoFileProblem(c.dockerfilePath, ctx.repo.files, ctx.file);
    if (problem === undefined) return [];
    return [issueAt(ctx, 'error', 'dockerfile-missing', ['containerDefinitions', k, 'dockerfilePath'], problem._tag === 'Outside'
      ? `container "${c.name}" names Dockerfile "${c.dockerfilePath}", which is not a path inside the repository${problem.hint}`
      : `container "${c.name}" names Dockerfile "${problem.path}", which is not in the repository${problem.hint}`)];
  });

export const taskSize: TaskDefinitionRule = (ctx) => {
  const { cpu, memory } = ctx.taskDefinition;
  if (cpu === undefined || memory === undefined) {
    const missing = [cpu === undefined ? '"cpu"' : '', memory === undefined ? '"memory"' : ''].filter(Boolean).join(' and ');
    return [issueAt(ctx, 'error', 'task-size', [], `Fargate needs a task-level cpu and memory; add ${missing} (for example "cpu": "256", "memory": "512")`)];
  }
  const issues = fargateSizeIssues(ctx, 'task-size', 'the task size', [], { cpu, memory });
  // Windows tasks take 1, 2 or 4 vCPU only (same ECS table as the grid).
  const os = ctx.taskDefinition.runtimePlatform?.operatingSystemFamily ?? 'LINUX';
  const units = parseCpuUnits(cpu);
  if (issues.length === 0 && os.startsWith('WINDOWS') && !fargateGrid.some((r) => r.cpu === units && r.windows)) {
    const allowed = fargateGrid.filter((r) => r.windows).map((r) => r.cpu).join(', ');
    issues.push(issueAt(ctx, 'error', 'task-size', ['cpu'], `Windows tasks on Fargate take cpu ${allowed}, not ${units}`));
  }
  return [...issues, ...ephemeralStorageIssues(ctx)];
};

/**
 * `ephemeralStorage.sizeInGiB`: a whole number from 21 to 200 (ECS API Reference,
 * EphemeralStorage; checked 2026-11-22); leaving it out gives the included 20 GiB.
 */
const ephemeralStorageIssues: TaskDefinitionRule = (ctx) => {
  const size = ctx.taskDefinition.ephemeralStorage?.sizeInGiB;
  if (size === undefined || (Number.isInteger(size) && size >= MIN_EPHEMERAL_GIB && size <= MAX_EPHEMERAL_GB)) return [];
  return [issueAt(ctx, 'error', 'task-size', ['ephemeralStorage', 'sizeInGiB'],
    `ephemeralStorage.sizeInGiB must be a whole number from ${MIN_EPHEMERAL_GIB} to ${MAX_EPHEMERAL_GB} (leave ephemeralStorage out for the included ${INCLUDED_EPHEMERAL_GB} GiB), not ${size}`)];
};

/** ECS's values for `runtimePlatform.cpuArchitecture` (RuntimePlatform, ECS API Reference; 2026-11-22). */
export const cpuArchitectures = ['X86_64', 'ARM64'] as const;

/** A misspelt architecture ("arm64", "amd64") would fail registration on AWS and be priced as x86_64. */
export const cpuArchitecture: TaskDefinitionRule = (ctx) => {
  const arch = ctx.taskDefinition.runtimePlatform?.cpuArchitecture;
  // Windows tasks on Fargate run on X86_64 only (ECS Developer Guide, Windows containers on Fargate).
  if (arch === 'ARM64' && (ctx.taskDefinition.runtimePlatform?.operatingSystemFamily ?? 'LINUX').startsWith('WINDOWS')) {
    return [issueAt(ctx, 'error', 'task-definition-schema', ['runtimePlatform', 'cpuArchitecture'], 'Windows tasks on Fargate run on X86_64 only, not ARM64')];
  }
  if (arch === undefined || (cpuArchitectures as readonly string[]).includes(arch)) return [];
  return [issueAt(ctx, 'error', 'task-definition-schema', ['runtimePlatform', 'cpuArchitecture'],
    `runtimePlatform.cpuArchitecture must be "X86_64" or "ARM64", not ${JSON.stringify(arch)}${didYouMean(arch, cpuArchitectures)}`)];
};

/**
 * Container names: ECS takes up to 255 letters, digits, `_` and `-` (ContainerDefinition `name`,
 * ECS API Reference; 2026-11-22), and hyperp keys each container's image and overrides by name,
 * so two containers of one task may not share one.
 */
export const containerNames: TaskDefinitionRule = (ctx) =>
  ctx.taskDefinition.containerDefinitions.flatMap((c, k, all) => {
    const at = ['containerDefinitions', k, 'name'];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) {
      return [issueAt(ctx, 'error', 'task-definition-schema', at, `container name ${JSON.stringify(c.name)} is not one ECS takes: up to 255 letters, digits, "_" and "-"`)];
    }
    const first = all.findIndex((o) => o.name === c.name);
    return first < k ? [issueAt(ctx, 'error', 'task-definition-schema', at, `container name "${c.name}" is already used by containerDefinitions[${first}]; container names must be unique`)] : [];
  });

/**
 * hyperp mounts `/output`, `/input/<dependency>` and `/shared/<name>` into every container, as
 * volumes named `hyperp-…`. A task definition that mounts a path at, inside or above one of
 * these, or names a volume `hyperp-…`, would fail when its job is rendered at run time; said
 * here, it is said before a push.
 */
export const hyperpMountsFree: TaskDefinitionRule = (ctx) => [
  ...(ctx.taskDefinition.volumes ?? []).flatMap((v, k) =>
    v.name.startsWith(RESERVED_VOLUME_PREFIX)
      ? [issueAt(ctx, 'error', 'task-definition-mounts', ['volumes', k, 'name'], `volume "${v.name}": names starting with "${RESERVED_VOLUME_PREFIX}" are reserved for the volumes hyperp adds`)]
      : []),
  ...ctx.taskDefinition.containerDefinitions.flatMap((c, k) =>
    (c.mountPoints ?? []).flatMap((mp, m) => {
      const owned = mp.containerPath === undefined ? undefined : hyperpMountRoots.find((root) => pathsOverlap(root, mp.containerPath!));
      return owned === undefined
        ? []
        : [issueAt(ctx, 'error', 'task-definition-mounts', ['containerDefinitions', k, 'mountPoints', m, 'containerPath'],
            `container "${c.name}" mounts ${mp.containerPath}, but hyperp mounts ${hyperpMountMeaning[owned]} at ${owned} and owns the paths in and above it; mount it elsewhere`)];
    })),
];

/**
 * The volumes a task definition mounts are ones hyperp can give, locally as on AWS: a mount
 * point names a volume of the task definition (ECS refuses one that does not), and an EFS
 * volume's `rootDirectory` is a path that stays in its file system (no `..`). Local runs give
 * each EFS volume a folder of the run's own (docs/local.md) and refuse what fails here, so
 * `validate` says it before a run or a push.
 */
export const volumesMountable: TaskDefinitionRule = (ctx) => {
  const volumes = ctx.taskDefinition.volumes ?? [];
  const names = volumes.map((v) => v.name);
  return [
    ...volumes.flatMap((v, k) => {
      const efs = v.efsVolumeConfiguration;
      if (efs === undefined || !('rootDirectory' in efs)) return [];
      const root = efs['rootDirectory'];
      const at = ['volumes', k, 'efsVolumeConfiguration', 'rootDirectory'];
      if (typeof root !== 'string') {
        return [issueAt(ctx, 'error', 'task-definition-mounts', at, `volume "${v.name}": efsVolumeConfiguration.rootDirectory must be a path of the file system such as "/data", not ${JSON.stringify(root)}`)];
      }
      return efsRootProblem(root) === undefined
        ? []
        : [issueAt(ctx, 'error', 'task-definition-mounts', at, `volume "${v.name}": efsVolumeConfiguration.rootDirectory ${JSON.stringify(root)} ${efsRootProblem(root)}`)];
    }),
    ...ctx.taskDefinition.containerDefinitions.flatMap((c, k) =>
      (c.mountPoints ?? []).flatMap((mp, m) =>
        mp.sourceVolume === undefined || names.includes(mp.sourceVolume)
          ? []
          : [issueAt(ctx, 'error', 'task-definition-mounts', ['containerDefinitions', k, 'mountPoints', m, 'sourceVolume'],
              `container "${c.name}" mounts volume "${mp.sourceVolume}", which is not in the task definition's volumes${names.length === 0 ? '' : didYouMean(mp.sourceVolume, names)}`)])),
  ];
};

const hyperpMountRoots = ['/output', '/input', '/shared'] as const;
const hyperpMountMeaning: Record<(typeof hyperpMountRoots)[number], string> = {
  '/output': "the job's output",
  '/input': "its dependencies' outputs",
  '/shared': "the workflow's shared artifacts",
};

/** Fargate runs `awsvpc` only; rendering sets it when the file gives none. */
export const fargateNetworkMode: TaskDefinitionRule = (ctx) => {
  const mode = ctx.taskDefinition.networkMode;
  return mode === undefined || mode === 'awsvpc'
    ? []
    : [issueAt(ctx, 'error', 'task-definition-schema', ['networkMode'], `networkMode ${JSON.stringify(mode)} does not run on Fargate; write "awsvpc" or leave it out`)];
};

/**
 * Fields AWS refuses for hyperp's jobs (docs/deploy.md, "task definitions"): every job runs under
 * hyperp's job task role and task execution role, and the stepper may pass only those to ECS
 * (iam:PassRole), so a file's own role makes RegisterTaskDefinition fail with
 * AccessDeniedException; the execution role reads no secrets, so `secrets` and
 * `repositoryCredentials` keep the task from starting. Errors: a run would fail on AWS, so it is
 * refused before it starts, locally too (where the fields would be silently ignored).
 */
export const hyperpRolesOnly: TaskDefinitionRule = (ctx) => {
  const refused = 'on AWS ECS refuses to register it (AccessDeniedException: hyperp may pass only its own roles)';
  const roles = ([
    ['taskRoleArn', `${refused}; leave it out: jobs run with hyperp's job task role, and the deployment's hyperp:jobTaskPolicyArns grants them extra AWS permissions`],
    ['executionRoleArn', `${refused}; leave it out: hyperp's task execution role pulls images (hyperp's repository or public registries) and writes the task log`],
  ] as const).flatMap(([key, why]) =>
    ctx.taskDefinition[key] === undefined ? [] : [issueAt(ctx, 'error', 'task-definition-roles', [key], `${key} names a role of its own: ${why}`, { key: true })]);
  const raw = (ctx.source.value as { containerDefinitions: Record<string, unknown>[] }).containerDefinitions;
  const containers = ctx.taskDefinition.containerDefinitions.flatMap((c, k) => [
    ...(raw[k]?.['secrets'] === undefined ? [] : [issueAt(ctx, 'error', 'task-definition-roles', ['containerDefinitions', k, 'secrets'],
      `container "${c.name}" has secrets, but on AWS hyperp's task execution role reads no Secrets Manager or Parameter Store values and the task does not start; let the job read them itself with a policy in the deployment's hyperp:jobTaskPolicyArns`, { key: true })]),
    ...(raw[k]?.['repositoryCredentials'] === undefined ? [] : [issueAt(ctx, 'error', 'task-definition-roles', ['containerDefinitions', k, 'repositoryCredentials'],
      `container "${c.name}" has repositoryCredentials, but on AWS hyperp's task execution role reads no secrets and the task does not start; use a public image, or a dockerfilePath that hyperp builds into its own repository`, { key: true })]),
  ]);
  return [...roles, ...containers];
};

const rules: readonly TaskDefinitionRule[] = [
  containerNames, containerImages, dockerfilesPresent, taskSize, cpuArchitecture, fargateNetworkMode, hyperpMountsFree, volumesMountable, hyperpRolesOnly,
  environmentVariables,
];

const normalise = (td: TaskDefinition): TaskDefinition => ({
  ...td,
  ...(td.cpu !== undefined ? { cpu: String(parseCpuUnits(td.cpu)) } : {}),
  ...(td.memory !== undefined ? { memory: String(parseMemoryMiB(td.memory)) } : {}),
  containerDefinitions: td.containerDefinitions.map((c) =>
    c.dockerfilePath === undefined ? c : { ...c, dockerfilePath: normaliseRepoPath(c.dockerfilePath) ?? c.dockerfilePath },
  ),
});

export const checkTaskDefinition = (file: string, text: string, repo: RepoSnapshot): TaskDefinitionCheck => {
  // Size and nesting before JSON.parse and the position parser see the text.
  const bounds = textBoundsIssues(file, text, 'task definition');
  if (bounds.length > 0) return { issues: bounds };
  const parsed = parseJson(text);
  if (!parsed.ok) return { issues: syntaxIssues(file, parsed.problems, 'error', 'task-definition-syntax', 'task definition is not valid JSON: ') };
  const ctx: FileContext = { file, source: parsed.source };
  const keys = unknownTaskDefinitionKeys(ctx);
  const decoded = decode(TaskDefinitionCodec, parsed.source.value);
  if (!decoded.ok) {
    return {
      issues: [...keys, ...decoded.problems.map((p) =>
        issueAt(ctx, 'error', 'task-definition-schema', p.path, `${p.path.length === 0 ? 'the task definition' : formatPath(p.path)} ${p.message}`),
      )],
    };
  }
  if (decoded.value.containerDefinitions.length === 0) {
    return { issues: [issueAt(ctx, 'error', 'task-definition-schema', ['containerDefinitions'], 'containerDefinitions is empty; a task needs at least one container')] };
  }
  if (decoded.value.containerDefinitions.length > MAX_CONTAINERS) {
    const n = decoded.value.containerDefinitions.length;
    return { issues: [issueAt(ctx, 'error', 'task-definition-schema', ['containerDefinitions'], `containerDefinitions holds ${n} containers; ECS takes at most ${MAX_CONTAINERS} per task definition`)] };
  }
  const issues = [...keys, ...rules.flatMap((rule) => rule({ ...ctx, taskDefinition: decoded.value, repo }))];
  return issues.some((i) => i.severity === 'error') ? { issues } : { taskDefinition: normalise(decoded.value), issues };
};
