/**
 * ECS task definitions as kept in the repo: RegisterTaskDefinition JSON whose containers give
 * either `image` or `dockerfilePath` (a repo path). Keys hyperp does not interpret are kept as
 * they are and passed to ECS.
 */
import * as t from 'io-ts';

export const KeyValuePair = t.type({ name: t.string, value: t.string }, 'KeyValuePair');
export type KeyValuePair = t.TypeOf<typeof KeyValuePair>;

export const MountPoint = t.partial(
  { sourceVolume: t.string, containerPath: t.string, readOnly: t.boolean },
  'MountPoint',
);
export type MountPoint = t.TypeOf<typeof MountPoint>;

export const ContainerDefinition = t.intersection(
  [
    t.type({ name: t.string }),
    t.partial({
      image: t.string,
      dockerfilePath: t.string,
      essential: t.boolean,
      command: t.array(t.string),
      entryPoint: t.array(t.string),
      workingDirectory: t.string,
      environment: t.array(KeyValuePair),
      mountPoints: t.array(MountPoint),
      stopTimeout: t.number,
      cpu: t.number,
      memory: t.number,
      memoryReservation: t.number,
      logConfiguration: t.UnknownRecord,
    }),
  ],
  'ContainerDefinition',
);
export type ContainerDefinition = t.TypeOf<typeof ContainerDefinition>;

export const Volume = t.intersection(
  [t.type({ name: t.string }), t.partial({ efsVolumeConfiguration: t.UnknownRecord })],
  'Volume',
);
export type Volume = t.TypeOf<typeof Volume>;

export const TaskDefinition = t.intersection(
  [
    t.type({ containerDefinitions: t.array(ContainerDefinition) }),
    t.partial({
      family: t.string,
      cpu: t.union([t.string, t.number]),
      memory: t.union([t.string, t.number]),
      taskRoleArn: t.string,
      executionRoleArn: t.string,
      networkMode: t.string,
      requiresCompatibilities: t.array(t.string),
      volumes: t.array(Volume),
      runtimePlatform: t.partial({ cpuArchitecture: t.string, operatingSystemFamily: t.string }),
      ephemeralStorage: t.type({ sizeInGiB: t.number }),
      tags: t.array(t.type({ key: t.string, value: t.string })),
    }),
  ],
  'TaskDefinition',
);
export type TaskDefinition = t.TypeOf<typeof TaskDefinition>;
