/**
 * Presigned GET URLs of downloadable zips, signed with the calling function's own credentials.
 *
 * A presigned URL is only as good as the credentials that signed it: signed with temporary
 * (role session) credentials, it stops working when they expire, whatever X-Amz-Expires says
 * (S3 User Guide, "Download and upload objects with presigned URLs"; AWS Knowledge Center,
 * "Why did my presigned URL expire before the expiration time I specified?"; read 2026-12). So the
 * URL is signed for no longer than the credentials have left, and the answer says when it ends.
 * Credentials about to expire are refreshed first. Session credentials whose end the SDK is not
 * told (a Lambda function's, unless `AWS_CREDENTIAL_EXPIRATION` is set) are taken to have
 * `UNKNOWN_SESSION_SECONDS` left.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Margin for clock skew between this function and S3. */
export const EXPIRY_MARGIN_SECONDS = 60;
/** Below this, the credentials are refreshed before signing. */
const REFRESH_BELOW_SECONDS = 5 * 60;
/**
 * Session credentials with no known end: a short window, enough for the CLI, which downloads at
 * once; asking the API again gives a fresh URL.
 */
export const UNKNOWN_SESSION_SECONDS = 15 * 60;

export interface PresignedGet {
  readonly url: string;
  readonly expiresInSeconds: number;
  /** Epoch ms. */
  readonly expiresAt: number;
}

interface Identity {
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

type IdentityProvider = (options?: { forceRefresh?: boolean }) => Promise<Identity>;

const secondsLeft = (id: Identity, now: number): number =>
  id.expiration
    ? Math.floor((id.expiration.getTime() - now) / 1000) - EXPIRY_MARGIN_SECONDS
    : id.sessionToken
      ? UNKNOWN_SESSION_SECONDS
      : Number.POSITIVE_INFINITY;

export const presignGet = async (
  s3: S3Client, bucket: string, key: string, wantedSeconds: number, now: () => number,
): Promise<PresignedGet> => {
  const credentials = s3.config.credentials as unknown as IdentityProvider;
  let left = secondsLeft(await credentials(), now());
  if (left < REFRESH_BELOW_SECONDS) left = secondsLeft(await credentials({ forceRefresh: true }), now());
  const expiresInSeconds = Math.max(1, Math.min(wantedSeconds, left));
  const signedAt = Math.floor(now() / 1000) * 1000;
  // The signing date is the same clock the expiry was measured on.
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: expiresInSeconds, signingDate: new Date(signedAt),
  });
  return { url, expiresInSeconds, expiresAt: signedAt + expiresInSeconds * 1000 };
};
