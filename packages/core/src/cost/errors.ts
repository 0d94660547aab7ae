/** Why a cost cannot be computed: returned as data, never turned into a zero. */
import type { Capacity, CpuArchitecture } from './prices.js';

/** What a cost error says, by `_tag`, before its `message`. */
export type CostErrorDetail =
  | { readonly _tag: 'UnknownRegion'; readonly region: string; readonly known: readonly string[] }
  | { readonly _tag: 'NoPrice'; readonly region: string; readonly arch: CpuArchitecture; readonly capacity: Capacity }
  | { readonly _tag: 'InvalidTaskSize'; readonly cpu: number; readonly memory: number }
  | { readonly _tag: 'InvalidEphemeralStorage'; readonly gb: number }
  | { readonly _tag: 'InvalidDuration'; readonly detail: string };

/** Why a cost cannot be computed, with `message` saying it for a person. */
export type CostError = CostErrorDetail & { readonly message: string };

/** A cost error with its message. */
export const costError = (e: CostErrorDetail): CostError => ({ ...e, message: describeCostError(e) });

/** A cost error in one line for a person. */
export const describeCostError = (e: CostErrorDetail): string => {
  switch (e._tag) {
    case 'UnknownRegion':
      return `no prices for region "${e.region}" (known: ${e.known.join(', ')})`;
    case 'NoPrice':
      return `no ${e.capacity} price for ${e.arch} in ${e.region}`;
    case 'InvalidTaskSize':
      return `cpu ${e.cpu} with memory ${e.memory} MiB is not a valid Fargate size`;
    case 'InvalidEphemeralStorage':
      return `ephemeral storage of ${e.gb} GB is not a whole number of GB from 20 (the included amount) to 200`;
    case 'InvalidDuration':
      return e.detail;
  }
};
