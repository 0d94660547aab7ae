// @hyperp/adapters-local: hyperp on one machine — repository snapshots from git, the event-log
// store, image builds and job execution.
export * from './repo/snapshot.js';
export { GitError, NotAGitRepository } from './repo/git.js';
export * from './repo/folder.js';
export * from './layout.js';
export * from './store/event-log.js';
export * from './store/lock.js';
export * from './engine/types.js';
export * from './engine/detect.js';
export { detectCgroups, unenforced, type CgroupHost } from './engine/limits.js';
export { processEngine } from './engine/process-engine.js';
export { containerEngine } from './engine/container-engine.js';
export * from './build/source.js';
export * from './artifacts/zip.js';
export * from './driver/drive.js';
export type { BuildSource } from './driver/interpreter.js';
export { slots, type Slots } from './driver/slots.js';
export * from './runs/image-index.js';
export * from './runs/settings.js';
export * from './runs/start.js';
export * from './runs/view.js';
export * from './runs/drive-local.js';
export * from './runs/runtimes.js';
export * from './artifacts/small-files.js';
export { loadLocalSecrets, refuseTrackedSecrets, SecretsSourceError, SECRETS_FOLDER, SECRETS_FILE, type LocalSecrets } from './secrets/cascade.js';
export { missingSecrets } from './secrets/run-secrets.js';
export { maskPatterns, maskText, logMask, MASK } from './secrets/mask.js';
