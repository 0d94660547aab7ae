/**
 * What every part of the platform needs to create its resources: a name prefix for logical
 * names, the parent component (so `pulumi up` shows one tree and a destroy removes it whole),
 * and the tags every taggable resource carries.
 */
import type * as pulumi from '@pulumi/pulumi';

export interface Scope {
  /** Prefix of logical names and of the physical names hyperp chooses (functions, log groups). */
  readonly name: string;
  readonly parent: pulumi.Resource;
  /** The user's tags plus hyperp's own. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Resource options for a child of the platform, with optional extra options. */
export const childOf = (scope: Scope, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({
  parent: scope.parent,
  ...extra,
});

/** The scope's tags plus `hyperp:role`, which policies use to find a role's purpose. */
export const tagsWith = (scope: Scope, extra: Record<string, string> = {}): Record<string, string> => ({
  ...scope.tags,
  ...extra,
});
