/**
 * Why a run `hyperp cancel` stopped, as the local log and the API record it; core prefixes it with
 * "cancelled: " in each job's reason, so local and remote `runs show` read the same.
 */
export const CANCEL_REASON = 'requested with hyperp cancel';
