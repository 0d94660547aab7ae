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

/**
 * The permissions the installation granted, as GitHub returned them with its installation token
 * (REST "Create an installation access token for an app": `permissions`, read 2026-12). auth-app
 * caches the token with them, so asking costs no request while the token lives; an owner who
 * accepts new permissions gets them with the next token (at most an hour later).
 */
export const installationPermissions = async (gh: GitHub): Promise<Readonly<Record<string, string>>> => {
  const auth = (await gh.auth({ type: 'installation' })) as { permissions?: Record<string, string> };
  return auth.permissions ?? {};
};

/** Check runs report a run where the installation lets hyperp write them; commit statuses otherwise. */
export const grantsChecks = async (gh: GitHub): Promise<boolean> => (await installationPermissions(gh))['checks'] === 'write';
