/**
 * Finding files in a repository listing by path without scanning it: a snapshot's files are
 * sorted by path (`RepoSnapshot.files`), so the files under a folder are one contiguous run,
 * found by binary search. Planning a monorepo keys one context per service; a scan per context
 * would make a plan grow with files × services instead of files.
 */
import type { RepoFile } from './snapshot.js';

const byPath = (a: RepoFile, b: RepoFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

// Per listing (by identity): itself when sorted as promised, else a sorted copy. A plan asks
// about the same listing once per image.
const sortedListings = new WeakMap<readonly RepoFile[], readonly RepoFile[]>();

const sortedListing = (files: readonly RepoFile[]): readonly RepoFile[] => {
  const known = sortedListings.get(files);
  if (known !== undefined) return known;
  let sorted = true;
  for (let i = 1; i < files.length && sorted; i++) sorted = files[i - 1]!.path <= files[i]!.path;
  const listing = sorted ? files : [...files].sort(byPath);
  sortedListings.set(files, listing);
  return listing;
};

/** The index of the first file whose path is not before `path`. */
const lowerBound = (files: readonly RepoFile[], path: string): number => {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (files[mid]!.path < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** The file at `path`, if the listing has it. */
export const fileAt = (files: readonly RepoFile[], path: string): RepoFile | undefined => {
  const listing = sortedListing(files);
  const f = listing[lowerBound(listing, path)];
  return f?.path === path ? f : undefined;
};

/** The files whose paths start with `prefix` (a folder's, ending in `/`; '' for all), in path order. */
export const filesUnder = (files: readonly RepoFile[], prefix: string): readonly RepoFile[] => {
  const listing = sortedListing(files);
  if (prefix === '') return listing;
  const from = lowerBound(listing, prefix);
  let to = from;
  while (to < listing.length && listing[to]!.path.startsWith(prefix)) to++;
  return listing.slice(from, to);
};
