/**
 * Where tasks run and what they run: the ECS cluster (Fargate and Fargate Spot), the image
 * repository the builder pushes to, and the log group every task writes to.
 */
import * as aws from '@pulumi/aws';
import { childOf, tagsWith, type Scope } from './scope.js';

export interface ComputeSettings {
  readonly containerInsights: boolean;
  readonly imageExpiryDays: number;
  readonly logRetentionDays: number;
  readonly retainData: boolean;
}

export interface Compute {
  readonly cluster: aws.ecs.Cluster;
  readonly repository: aws.ecr.Repository;
  readonly taskLogGroup: aws.cloudwatch.LogGroup;
}

/**
 * The repository's lifecycle. Images are content-addressed (tag = image key), so "the newest N"
 * means nothing: an old key may be the one every run still uses. ECR instead expires an image
 * that no task has pulled for `days` days (`sinceImagePulled`, ECR lifecycle policy properties,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html,
 * read 2026-11). Every task that runs an image pulls it, so an image in use is never expired;
 * docs/deploy.md explains how the image store treats keys that have not been used for that long.
 */
export const imageLifecyclePolicy = (days: number) => ({
  rules: [
    {
      rulePriority: 1,
      description: `Expire images no task has pulled for ${days} days`,
      selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: days },
      action: { type: 'expire' },
    },
  ],
});

export const createCompute = (scope: Scope, s: ComputeSettings): Compute => {
  const cluster = new aws.ecs.Cluster(
    `${scope.name}-cluster`,
    {
      settings: [{ name: 'containerInsights', value: s.containerInsights ? 'enabled' : 'disabled' }],
      tags: tagsWith(scope),
    },
    childOf(scope),
  );
  new aws.ecs.ClusterCapacityProviders(
    `${scope.name}-cluster`,
    {
      clusterName: cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      // RunTask names its capacity provider (Spot when the job asks for it); this is the fallback.
      defaultCapacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
    },
    childOf(scope),
  );

  const repository = new aws.ecr.Repository(
    `${scope.name}-images`,
    {
      // The tag is the image key: a tag that moved would make two different images one key.
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: 'AES256' }],
      forceDelete: !s.retainData,
      tags: tagsWith(scope),
    },
    childOf(scope, { retainOnDelete: s.retainData }),
  );
  new aws.ecr.LifecyclePolicy(
    `${scope.name}-images`,
    { repository: repository.name, policy: JSON.stringify(imageLifecyclePolicy(s.imageExpiryDays)) },
    // A retained repository keeps expiring unused images.
    childOf(scope, { retainOnDelete: s.retainData }),
  );

  const taskLogGroup = new aws.cloudwatch.LogGroup(
    `${scope.name}-task-logs`,
    { name: `/hyperp/${scope.name}/tasks`, retentionInDays: s.logRetentionDays, tags: tagsWith(scope) },
    childOf(scope),
  );
  return { cluster, repository, taskLogGroup };
};
