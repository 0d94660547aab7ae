/**
 * ECS task definitions as kept in the repo: RegisterTaskDefinition JSON whose containers give
 * either `image` or `dockerfilePath` (a repo path). Keys hyperp does not interpret are kept as
 * they are and passed to ECS.
 */
import * as t from 'io-ts';

// The types are plain interfaces (what an embedder reads in a `JobSpec`); the io-ts codecs of
// the same names check them and stay an internal detail.

/** An environment variable of a container: `{ name, value }`. */
export interface KeyValuePair {
  readonly name: string;
  readonly value: string;
}

/** A container's mount of a task definition volume. */
export interface MountPoint {
  readonly sourceVolume?: string;
  readonly containerPath?: string;
  readonly readOnly?: boolean;
}

/** A container of a task definition: ECS's fields, with `dockerfilePath` (a repo path) as hyperp's addition. */
export interface ContainerDefinition {
  readonly name: string;
  readonly image?: string;
  /** Repo path of the Dockerfile hyperp builds this container's image from, instead of `image`. */
  readonly dockerfilePath?: string;
  readonly essential?: boolean;
  readonly command?: string[];
  readonly entryPoint?: string[];
  readonly workingDirectory?: string;
  readonly environment?: KeyValuePair[];
  readonly mountPoints?: MountPoint[];
  readonly stopTimeout?: number;
  readonly cpu?: number;
  readonly memory?: number;
  readonly memoryReservation?: number;
  readonly logConfiguration?: { readonly [key: string]: unknown };
}

/** A task definition volume (EFS volumes are hyperp's to add for `/output`, `/input` and `/shared`). */
export interface Volume {
  readonly name: string;
  readonly efsVolumeConfiguration?: { readonly [key: string]: unknown };
}

/** An ECS task definition as kept in the repo (RegisterTaskDefinition input); other keys are passed on as they are. */
export interface TaskDefinition {
  readonly containerDefinitions: ContainerDefinition[];
  readonly family?: string;
  /** CPU units or a size string ("1 vCPU"); normalised to a whole-number string in a `JobSpec`. */
  readonly cpu?: string | number;
  /** MiB or a size string ("2 GB"); normalised to a whole-number string in a `JobSpec`. */
  readonly memory?: string | number;
  readonly taskRoleArn?: string;
  readonly executionRoleArn?: string;
  readonly networkMode?: string;
  readonly requiresCompatibilities?: string[];
  readonly volumes?: Volume[];
  readonly runtimePlatform?: { readonly cpuArchitecture?: string; readonly operatingSystemFamily?: string };
  readonly ephemeralStorage?: { readonly sizeInGiB: number };
  readonly tags?: { readonly key: string; readonly value: string }[];
}

export const KeyValuePairCodec: t.Type<KeyValuePair> = t.type({ name: t.string, value: t.string }, 'KeyValuePair');

export const MountPointCodec: t.Type<MountPoint> = t.partial(
  { sourceVolume: t.string, containerPath: t.string, readOnly: t.boolean },
  'MountPoint',
);

export const ContainerDefinitionCodec: t.Type<ContainerDefinition> = t.intersection(
  [
    t.type({ name: t.string }),
    t.partial({
      image: t.string,
      dockerfilePath: t.string,
      essential: t.boolean,
      command: t.array(t.string),
      entryPoint: t.array(t.string),
      workingDirectory: t.string,
      environment: t.array(KeyValuePairCodec),
      mountPoints: t.array(MountPointCodec),
      stopTimeout: t.number,
      cpu: t.number,
      memory: t.number,
      memoryReservation: t.number,
      logConfiguration: t.UnknownRecord,
    }),
  ],
  'ContainerDefinition',
);

export const VolumeCodec: t.Type<Volume> = t.intersection(
  [t.type({ name: t.string }), t.partial({ efsVolumeConfiguration: t.UnknownRecord })],
  'Volume',
);

export const TaskDefinitionCodec: t.Type<TaskDefinition> = t.intersection(
  [
    t.type({ containerDefinitions: t.array(ContainerDefinitionCodec) }),
    t.partial({
      family: t.string,
      cpu: t.union([t.string, t.number]),
      memory: t.union([t.string, t.number]),
      taskRoleArn: t.string,
      executionRoleArn: t.string,
      networkMode: t.string,
      requiresCompatibilities: t.array(t.string),
      volumes: t.array(VolumeCodec),
      runtimePlatform: t.partial({ cpuArchitecture: t.string, operatingSystemFamily: t.string }),
      ephemeralStorage: t.type({ sizeInGiB: t.number }),
      tags: t.array(t.type({ key: t.string, value: t.string })),
    }),
  ],
  'TaskDefinition',
);
