// Pulumi's policy host loads a pack with require(); the pack is TypeScript in an ES module
// package, so it is loaded through tsx's CommonJS API (tsx is the workspace's TypeScript loader).
require('tsx/cjs/api').require('../src/policy/pack.ts', __filename);
