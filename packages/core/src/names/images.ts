/**
 * Image references. The ECR tag of an image is its content-addressed key (64 hex digits), so
 * "does an image exist for this key" is one DescribeImages call, and the local store uses the
 * same key as its directory name.
 */
/** True for a well-formed image key: 64 lowercase hex digits. */
export const isImageKey = (key: string): boolean => /^[0-9a-f]{64}$/.test(key);

/** The tag to push an image under: the key itself, valid as a Docker and ECR tag. */
export const imageTag = (imageKey: string): string => imageKey;

/** `repository:tag`, what a container definition's `image` names. */
export const imageUri = (repositoryUri: string, imageKey: string): string => `${repositoryUri}:${imageTag(imageKey)}`;
