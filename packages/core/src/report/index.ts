// What hyperp shows of a run where its users look (GitHub checks and pull requests), as data.
export * from './check-run.js';
export * from './check-pacing.js';
export * from './annotations.js';
export { mdText, mdCell, mdFence, mdUsd, mdDuration, clipText } from './markdown.js';
export * from './pull-request.js';
