/**
 * Where a run's folders really are on the file system. Tasks mount each folder through an EFS
 * access point rooted at it, and an access point's root is at most four directory levels and
 * 100 characters (EFS API Reference, "RootDirectory": `Path`, read 2026-12), while the artifact
 * layout users rely on is five or six levels deep (`{commit}/{runId}/{wfHash}/{jobHash}`, about
 * 110 characters under `/hyperp`). So each folder lives at `folders/{key}`, two levels under the
 * root, its key a hash of its layout path, and the layout path is a relative symbolic link to
 * it: readers of the layout (the zips, people browsing the file system) find every folder where
 * the layout says, and access points get a short root. The key depends only on the layout path,
 * so the efs function and the stepper derive the same folder without sharing state.
 */
import { createHash } from 'node:crypto';

export const FOLDERS_DIR = 'folders';

/** 32 hex digits (128 bits) of the layout path. */
export const folderKey = (layoutPath: string): string =>
  createHash('sha256').update(`hyperp-folder\0${layoutPath}`).digest('hex').slice(0, 32);

/** The real folder of a layout path, relative to the artifacts root: `folders/{key}`. */
export const realFolderOf = (layoutPath: string): string => `${FOLDERS_DIR}/${folderKey(layoutPath)}`;
