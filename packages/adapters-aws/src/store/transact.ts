/**
 * Writing several items in one TransactWriteItems call: a run's state with the events it folded
 * and its listing rows, or a run request with its metadata. One call instead of one per item,
 * all or nothing. A transaction holds at most 100 actions and 4 MB of items (DynamoDB API
 * reference, "TransactWriteItems", read 2026-11); what does not fit is written by the caller
 * on its own before the transaction. Transactional writes cost two write units per KB instead
 * of one, so a lone item is still written with a plain PutItem.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** Actions per TransactWriteItems call. */
export const TRANSACT_MAX_ACTIONS = 100;
/** The 4 MB aggregate, less room for the request's own overhead. */
export const TRANSACT_MAX_BYTES = 3_800_000;

export type TransactAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An item's size as DynamoDB counts it, near enough: attribute names plus values. */
export const itemBytes = (item: Record<string, unknown>): number => {
  let n = 0;
  for (const [k, v] of Object.entries(item)) {
    n += Buffer.byteLength(k);
    if (typeof v === 'string') n += Buffer.byteLength(v);
    else if (v instanceof Uint8Array) n += v.byteLength;
    else if (typeof v === 'number' || typeof v === 'boolean') n += 21;
    else n += Buffer.byteLength(JSON.stringify(v) ?? '');
  }
  return n;
};

/**
 * Splits `items` into those that fit in a transaction beside `used` actions of `usedBytes`
 * bytes, in order, and the rest.
 */
export const fitInTransaction = <T>(
  items: readonly T[],
  sizeOf: (t: T) => number,
  used: { actions: number; bytes: number },
): { inside: T[]; outside: T[] } => {
  const inside: T[] = [];
  const outside: T[] = [];
  let actions = used.actions;
  let bytes = used.bytes;
  for (const t of items) {
    const size = sizeOf(t);
    if (outside.length === 0 && actions + 1 <= TRANSACT_MAX_ACTIONS && bytes + size <= TRANSACT_MAX_BYTES) {
      inside.push(t);
      actions++;
      bytes += size;
    } else {
      outside.push(t);
    }
  }
  return { inside, outside };
};

/**
 * The cancellation reason code of each action of a cancelled transaction (`None` for those that
 * were fine), or undefined when `err` is not a cancelled transaction.
 */
export const cancellationCodes = (err: unknown): (string | undefined)[] | undefined => {
  if (!(err instanceof Error) || err.name !== 'TransactionCanceledException') return undefined;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.map((r) => r.Code);
};
