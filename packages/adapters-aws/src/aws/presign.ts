/** Presigned GET URLs of downloadable zips: signed with the calling function's own credentials. */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export const presignGet = (s3: S3Client, bucket: string, key: string, expiresIn: number): Promise<string> =>
  getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
