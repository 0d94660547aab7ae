/**
 * How long a packed build context stays in S3. A context is needed while a build of its key
 * runs (a build's deadline is an hour, its retries within the run) and again only when the
 * image is rebuilt, which packs it anew from the planner's record if it has gone. A week keeps
 * it for a run and its reruns of the following days at a negligible cost (contexts are at most
 * 200 MiB, most a few KB), while repository contents do not linger in the bucket for long. The
 * bucket's lifecycle rule (packages/infra `storage.ts`) expires the prefix after these days; S3
 * counts from the object's creation and removes it asynchronously after (S3 User Guide,
 * "Expiring objects", read 2026-12).
 */
export const CONTEXT_EXPIRY_DAYS = 7;

/**
 * A context this old is packed again rather than reused: a build never starts on an object the
 * lifecycle may remove while kaniko reads it. Rewriting renews its creation time.
 */
export const CONTEXT_REFRESH_AFTER_DAYS = CONTEXT_EXPIRY_DAYS - 1;
