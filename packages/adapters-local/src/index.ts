// @hyperp/adapters-local: hyperp on one machine — repository snapshots from git, the event-log
// store, image builds and job execution.
export * from './repo/snapshot.js';
export { GitError } from './repo/git.js';
