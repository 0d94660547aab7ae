/**
 * Which host runtime serves each image of a run or plan on the process engine (see
 * engine/host-runtime.ts): one line per Dockerfile, a warning where the image's tag names
 * another version than the host's. `hyperp run` says them once per run; `hyperp plan` per image.
 */
import type { RepoSnapshot } from '@hyperp/core';
import { parseRecipe } from '../build/recipe.js';
import { imageRuntime, runtimeNotice, type ImageRuntime } from '../engine/host-runtime.js';

export interface RuntimeNotice {
  readonly dockerfilePath: string;
  /** Which host program serves the image, and its version. */
  readonly note: string;
  /** The host's version is not the one the image names, or the host has none. */
  readonly warning?: string;
}

/** The notices of the images built from `dockerfilePaths` (each once); a Dockerfile that cannot be read is left to its build. */
export const processRuntimeNotices = (
  snapshot: Pick<RepoSnapshot, 'read'>,
  dockerfilePaths: readonly string[],
  runtimeOf: (baseImage: string) => ImageRuntime | undefined = (b) => imageRuntime(b),
): RuntimeNotice[] =>
  [...new Set(dockerfilePaths)].flatMap((dockerfilePath) => {
    const text = snapshot.read(dockerfilePath);
    const recipe = text === undefined ? undefined : parseRecipe(text);
    if (recipe?._tag !== 'Recipe') return [];
    const rt = runtimeOf(recipe.recipe.baseImage);
    return rt === undefined ? [] : [{ dockerfilePath, ...runtimeNotice(dockerfilePath, recipe.recipe.baseImage, rt) }];
  });
