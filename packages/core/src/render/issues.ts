/** Why a job's task definition cannot be rendered: data, for the reducer to report. */
export type RenderIssue =
  | { readonly _tag: 'MissingImageKey'; readonly container: string }
  | { readonly _tag: 'NoImage'; readonly container: string }
  | { readonly _tag: 'ReservedVolumeName'; readonly volume: string }
  | { readonly _tag: 'MountConflict'; readonly container: string; readonly containerPath: string; readonly hyperpPath: string }
  | { readonly _tag: 'MissingTaskSize'; readonly missing: 'cpu' | 'memory' | 'cpu and memory' }
  | { readonly _tag: 'UnsupportedNetworkMode'; readonly networkMode: string };

export const describeRenderIssue = (i: RenderIssue): string => {
  switch (i._tag) {
    case 'MissingImageKey':
      return `container "${i.container}" names a dockerfilePath but the plan has no image for it`;
    case 'NoImage':
      return `container "${i.container}" gives neither image nor dockerfilePath`;
    case 'ReservedVolumeName':
      return `volume "${i.volume}": names starting with "hyperp-" are reserved for hyperp's own mounts`;
    case 'MountConflict':
      return `container "${i.container}" mounts ${i.containerPath}, which collides with ${i.hyperpPath} that hyperp mounts itself; remove it from the task definition`;
    case 'MissingTaskSize':
      return `the task definition gives no task-level ${i.missing}; Fargate needs both`;
    case 'UnsupportedNetworkMode':
      return `networkMode "${i.networkMode}" does not run on Fargate; use "awsvpc" or leave it out`;
  }
};
