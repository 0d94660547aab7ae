/**
 * One call to run a planned request on this machine: what `hyperp run`, `resume`, `rerun` and
 * `cancel` use, and what a program embedding hyperp calls. It reads the build contexts from the
 * files the run was planned on (the working tree for a run of a dirty tree, else the commit),
 * records built images in the store so later plans reuse them, and drives the run to its end.
 */
import * as E from 'fp-ts/lib/Either.js';
import { contextFiles, type RecordImage, type RunRequested, type RunState } from '@hyperp/core';
import { snapshotCommit, snapshotWorkingTree } from '../repo/snapshot.js';
import { snapshotBuildSource } from '../build/source.js';
import { containerEngine } from '../engine/container-engine.js';
import { detectEngine, type EngineChoice } from '../engine/detect.js';
import { processEngine } from '../engine/process-engine.js';
import type { Engine } from '../engine/types.js';
import { driveRun, type DriveOptions } from '../driver/drive.js';
import type { LocalLayout } from '../layout.js';
import { recordImages } from './image-index.js';

export type OpenedEngine = { readonly _tag: 'Engine'; readonly engine: Engine } | { readonly _tag: 'NoEngine'; readonly message: string };

/** The engine `choice` names (auto: docker, podman, process — the first that works here). */
export const openLocalEngine = async (choice: EngineChoice, layout: LocalLayout): Promise<OpenedEngine> => {
  const d = await detectEngine(choice);
  if (d._tag === 'NoEngine') return d;
  return {
    _tag: 'Engine',
    engine: d.engine === 'process'
      ? processEngine({ imagesDir: layout.imagesDir, scratchDir: layout.tmpDir })
      : containerEngine({ cli: d.engine, scratchDir: layout.tmpDir }),
  };
};

export type LocalRunOptions = Omit<DriveOptions, 'runId' | 'source' | 'recordImage'> & {
  /** The run's request, as its log holds it. */
  readonly request: RunRequested;
};

export const driveLocalRun = async (o: LocalRunOptions): Promise<RunState> => {
  const req = o.request;
  const snapshot = req.dirty ? await snapshotWorkingTree(o.layout.repoDir) : await snapshotCommit(o.layout.repoDir, req.commit);
  const note = o.note ?? (() => undefined);
  const recordImage = (cmd: RecordImage): Promise<void> => {
    const image = req.plan.jobs.flatMap((j) => j.images).find((i) => i.key === cmd.key);
    const job = req.workflow.jobs.find((j) => j.name === cmd.job);
    // The files that made the key, so a later plan explains a rebuild by what changed.
    const files = image ? contextFiles(snapshot, image.dockerfilePath, { exclude: job ? [job.taskDefinitionPath] : [] }) : undefined;
    return recordImages(o.layout, [{
      key: cmd.key, builtAt: cmd.builtAt, workflow: req.workflow.name, job: cmd.job, container: cmd.container,
      dockerfilePath: image?.dockerfilePath ?? '',
      ...(files && E.isRight(files) ? { files: files.right.files } : {}),
    }], note).catch((e: unknown) => note(`warning: the image store index was not updated: ${(e as Error).message}`));
  };
  return driveRun({
    ...o,
    runId: req.runId,
    source: snapshotBuildSource(o.layout.repoDir, snapshot, req.dirty),
    recordImage,
  });
};
