/**
 * What a plan decides for a commit: per workflow, per job, per container, whether its image is
 * built or reused, and why. Produced by `plan.ts`, carried inside `RunRequested`.
 */
import type { RepoFile } from '../repo/snapshot.js';

/** Whether a plan builds an image or reuses one whose key exists. */
export type ImageAction = 'build' | 'reuse';

/** The plan for one container image: its key, build or reuse, and why. */
export interface ImagePlan {
  /** Container name in the job's task definition. */
  readonly container: string;
  /** Repo path of the Dockerfile. */
  readonly dockerfilePath: string;
  /** Repo path of the build context (the Dockerfile's directory; '' for the repo root). */
  readonly context: string;
  /** Content-addressed image key (also the ECR tag and the local image directory name). */
  readonly key: string;
  readonly action: ImageAction;
  /** For a person: "reuse: key 3f2a… exists", "build: z/main.py changed since …", "build: no earlier image". */
  readonly reason: string;
  /** Context files that differ from the newest earlier image of this job and container. */
  readonly changedFiles: readonly string[];
  /**
   * The files that make the key (`ImageKey.files`), on an image the plan builds: the run's
   * `RecordImage` hands them to the image store, so a later plan explains a rebuild by what
   * changed. Absent on reused images (nothing is recorded for them) and in plans made before.
   */
  readonly files?: readonly RepoFile[];
}

/** The plan for one job: each of its images, and `build` when any is built. */
export interface JobPlan {
  readonly name: string;
  /** `build` when any of the job's images is built. */
  readonly action: ImageAction;
  /** One per container that names a `dockerfilePath`; containers with `image` are used as given. */
  readonly images: readonly ImagePlan[];
}

/** The plan for one workflow: each job with its images built or reused. */
export interface WorkflowPlan {
  readonly name: string;
  readonly file: string;
  readonly jobs: readonly JobPlan[];
}

/** The plan for a push: the workflows it runs, each with its images built or reused. */
export interface Plan {
  readonly commit: string;
  readonly branch: string;
  readonly workflows: readonly WorkflowPlan[];
}
