// Lambda entry point: the EFS helper (file system mounted at EFS_MOUNT_PATH).
import { EFS_MOUNT_PATH, efsHandler, type EfsRequest } from '../handlers/efs.js';
import { events, s3 } from '../production.js';

export const handler = (request: EfsRequest) => efsHandler({ root: EFS_MOUNT_PATH, s3: s3(), events: events(), now: Date.now })(request);
