// Lambda entry point: the EFS helper (file system mounted at EFS_MOUNT_PATH).
import { EFS_MOUNT_PATH, efsHandler, type EfsRequest } from '../handlers/efs.js';
import { production } from '../production.js';

export const handler = (request: EfsRequest) => {
  const p = production();
  return efsHandler({ root: EFS_MOUNT_PATH, s3: p.s3, events: p.store.events, now: Date.now })(request);
};
