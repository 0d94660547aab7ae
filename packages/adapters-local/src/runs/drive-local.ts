/**
 * One call to run a planned request on this machine: what `hyperp run`, `resume`, `rerun` and
 * `cancel` use, and what a program embedding hyperp calls. It reads the build contexts from the
 * files the run was planned on (the working tree for a run of a dirty tree, else the commit)
 * and drives the run to its end (built images are recorded in the store so later plans reuse them).
 */
import * as E from 'fp-ts/lib/Either.js';
import { isTerminalRun, type RepoSnapshot, type RunRequested, type RunState } from '@hyperp/core';
import { jobImageKeys } from '@hyperp/core/internal';
import { snapshotCommit, snapshotWorkingTree } from '../repo/snapshot.js';
import { snapshotBuildSource } from '../build/source.js';
import { openContainerEngine } from '../engine/container-engine.js';
import { detectEngine, type EngineChoice } from '../engine/detect.js';
import { processEngine } from '../engine/process-engine.js';
import type { Engine, EngineName } from '../engine/types.js';
import type { BuildSource } from '../driver/interpreter.js';
import { driveRun, type DriveOptions } from '../driver/drive.js';
import { checkLayout, type LocalLayout } from '../layout.js';
import { processRuntimeNotices } from './runtimes.js';
import { localBuilderVersion } from './settings.js';
import type { LocalSecrets } from '../secrets/cascade.js';
import { runSecrets } from '../secrets/run-secrets.js';

const engineNames: readonly EngineName[] = ['process', 'docker', 'podman'];

export type OpenedEngine = { readonly _tag: 'Engine'; readonly engine: Engine } | { readonly _tag: 'NoEngine'; readonly message: string };

/**
 * The engine `choice` names (auto: docker, podman, process — the first that works here; the
 * process engine with bubblewrap, else the util-linux sandbox, unless `bwrap` or `unshare` asks).
 */
export const openLocalEngine = async (choice: EngineChoice, layout: LocalLayout): Promise<OpenedEngine> => {
  checkLayout(layout); // before the engine cleans up its scratch folders there
  const d = await detectEngine(choice);
  if (d._tag === 'NoEngine') return d;
  return {
    _tag: 'Engine',
    engine: d.engine === 'process'
      ? processEngine({ imagesDir: layout.imagesDir, scratchDir: layout.tmpDir, ...(d.sandbox ? { sandbox: d.sandbox } : {}) })
      : await openContainerEngine({ cli: d.engine, scratchDir: layout.tmpDir }),
  };
};

export type LocalRunOptions = Omit<DriveOptions, 'runId' | 'source' | 'secrets'> & {
  /** The run's request, as its log holds it. */
  readonly request: RunRequested;
  /** Secret values found locally (`loadLocalSecrets`); the jobs' declared secrets are taken from them. */
  readonly secrets?: LocalSecrets;
};

export const driveLocalRun = async (o: LocalRunOptions): Promise<RunState> => {
  const req = o.request;
  const snapshot = req.dirty ? await snapshotWorkingTree(o.layout.repoDir) : await snapshotCommit(o.layout.repoDir, req.commit);
  const note = o.note ?? (() => undefined);
  // Which host runtime serves each image, built or reused (process engine): once per run that
  // has work left, when this process drives it.
  const sayRuntimes = (state: RunState) => {
    if (o.engine.name !== 'process' || isTerminalRun(state.status)) return;
    for (const n of processRuntimeNotices(snapshot, req.plan.jobs.flatMap((j) => j.images.map((i) => i.dockerfilePath)))) {
      note(n.warning !== undefined ? `warning: ${n.warning}` : `note: ${n.note}`);
    }
  };
  const { secrets: local, ...options } = o;
  const secrets = runSecrets(req.workflow, local);
  return driveRun({
    ...options,
    runId: req.runId,
    ...(secrets ? { secrets } : {}),
    source: keyCheckedSource(req, snapshot, o.engine.name, snapshotBuildSource(o.layout.repoDir, snapshot, req.dirty)),
    onDriving: (state) => {
      sayRuntimes(state);
      o.onDriving?.(state);
    },
  });
};

/**
 * Builds only from the files an image's key was made of. A run resumed or rerun after its
 * working tree changed, or with another engine (keys include the builder), would otherwise
 * build other files under the planned key, and every later plan would reuse that image.
 */
const keyCheckedSource = (req: RunRequested, snapshot: RepoSnapshot, engine: EngineName, source: BuildSource): BuildSource => {
  const keysBy = new Map<EngineName, ReadonlySet<string>>();
  const keysOf = (e: EngineName): ReadonlySet<string> => {
    let keys = keysBy.get(e);
    if (keys === undefined) {
      const builder = localBuilderVersion(e);
      keys = new Set(req.workflow.jobs.flatMap((j) => jobImageKeys(snapshot, j, builder).flatMap((k) => (E.isRight(k.result) ? [k.result.right.key] : []))));
      keysBy.set(e, keys);
    }
    return keys;
  };
  return {
    context: (dockerfilePath, context, key) => {
      if (keysOf(engine).has(key)) return source.context(dockerfilePath, context, key);
      const short = `${key.slice(0, 12)}…`;
      const other = engineNames.find((e) => e !== engine && keysOf(e).has(key));
      return {
        error: other !== undefined
          ? `image ${short} was planned for the ${other} engine, not ${engine}; resume or rerun the run with --engine ${other}`
          : `the files of image ${short} are not those in the ${req.dirty ? 'working tree' : `commit ${req.commit.slice(0, 12)}`} any more (it changed since the run was planned); start a new run to build them`,
      };
    },
  };
};
