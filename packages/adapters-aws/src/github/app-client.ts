/**
 * GitHub as the GitHub App installation sees it: an `@octokit/core` client authenticated with an
 * installation token (`@octokit/auth-app` mints and caches it from the App's private key).
 */
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';

export type GitHub = Octokit;

export interface GitHubAppSettings {
  readonly appId: string;
  readonly privateKey: string;
  /** API root; `https://api.github.com` unless a test or GitHub Enterprise says otherwise. */
  readonly baseUrl?: string;
}

/** A client per installation; the App's tokens are cached by auth-app inside each client. */
export const installationClient = (app: GitHubAppSettings, installationId: number): GitHub =>
  new Octokit({
    ...(app.baseUrl ? { baseUrl: app.baseUrl } : {}),
    authStrategy: createAppAuth,
    auth: { appId: app.appId, privateKey: app.privateKey, installationId },
    userAgent: 'hyperp',
  });
