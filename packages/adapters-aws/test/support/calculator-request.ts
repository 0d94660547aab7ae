/**
 * The calculator's `RunRequested`, planned by the real planner from the fixture (a real git
 * repository behind the GitHub stand-in), for tests that start where planning ends.
 */
import type { RunRequested } from '@hyperp/core';
import { loadConfig } from '../../src/config.js';
import { installationClient } from '../../src/github/app-client.js';
import { planner } from '../../src/planner/planner.js';
import type { Store } from '../../src/store/store.js';
import { testEnv } from './env.js';
import { gitRepoFrom } from './git-repo.js';
import { startGitHubFake } from './github-server.js';

export const CALCULATOR = new URL('../../../../fixtures/calculator', import.meta.url).pathname;

export const planCalculator = async (store: Store, now: number, deliveryId = 'd-calc'): Promise<{ runId: string; request: RunRequested }> => {
  const repo = gitRepoFrom(CALCULATOR);
  const gh = await startGitHubFake(repo);
  try {
    const result = await planner({
      store,
      config: loadConfig(testEnv),
      github: (id) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id),
      now: () => now,
      log: () => undefined,
      imagesInRegistry: async (tags) => new Set(tags),
    })({
      kind: 'push', repo: 'acme/calculator', branch: 'main', commit: repo.git('rev-parse', 'HEAD'), installationId: 77,
      deliveryId, sender: 'octocat', receivedAt: now,
    });
    const runId = result.runs[0]!.runId;
    const request = (await store.events.list(runId))[0]!.event as RunRequested;
    return { runId, request };
  } finally {
    await gh.close();
    repo.remove();
  }
};
