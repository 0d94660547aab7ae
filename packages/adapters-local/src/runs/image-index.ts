/**
 * The local image store's index, `.hyperp/images/index.json`: one `StoredImage` per built key,
 * what `plan` reads to decide build or reuse and to explain a rebuild. Written when a run
 * records an image (the reducer's `RecordImage`), under a lock, replaced atomically.
 *
 * An index that cannot be read (a hand edit, a disk fault) is reported and read as empty: its
 * images are built again, which is safe, only slower. The next record moves it aside to
 * `index.json.corrupt` (for a person to look at) and starts a new one, so the warning stops.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageStoreOf, type ImageStore, type StoredImage } from '@hyperp/core';
import { ensureIgnored, type LocalLayout } from '../layout.js';
import { withLock } from '../store/lock.js';

export const imageIndexFile = (imagesDir: string): string => join(imagesDir, 'index.json');

/** Where a warning for the person goes (a line without a newline). */
export type Warn = (line: string) => void;

type IndexRead = { readonly images: StoredImage[]; readonly problem: string | null };

const isStoredImage = (v: unknown): v is StoredImage => {
  const i = v as Partial<Record<keyof StoredImage, unknown>> | null;
  return typeof i === 'object' && i !== null && typeof i.key === 'string' && typeof i.builtAt === 'number' &&
    typeof i.workflow === 'string' && typeof i.job === 'string' && typeof i.container === 'string' &&
    typeof i.dockerfilePath === 'string' && (i.files === undefined || Array.isArray(i.files)) && (i.engine === undefined || typeof i.engine === 'string');
};

const readIndex = (file: string): IndexRead => {
  if (!existsSync(file)) return { images: [], problem: null };
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { images: [], problem: 'is not valid JSON' };
  }
  const images = (v as { images?: unknown } | null)?.images;
  if (!Array.isArray(images)) return { images: [], problem: 'is not valid: it has no "images" list' };
  const bad = images.findIndex((i) => !isStoredImage(i));
  return bad >= 0 ? { images: [], problem: `is not valid: images[${bad}] is not an image record` } : { images: images as StoredImage[], problem: null };
};

/** The images of the store; a missing index is an empty store, an unreadable one too (with a warning). */
export const readImageIndex = (imagesDir: string, warn: Warn = () => undefined): StoredImage[] => {
  const file = imageIndexFile(imagesDir);
  const r = readIndex(file);
  if (r.problem !== null) warn(`warning: the image index ${file} ${r.problem}; it is read as empty, so its images are built again`);
  return r.images;
};

export const loadImageStore = (imagesDir: string, warn?: Warn): ImageStore => imageStoreOf(readImageIndex(imagesDir, warn));

/** Adds images to the index (a key already there keeps its first record). */
export const recordImages = async (
  layout: Pick<LocalLayout, 'root' | 'imagesDir'>, images: readonly StoredImage[], warn: Warn = () => undefined,
): Promise<void> => {
  ensureIgnored(layout);
  mkdirSync(layout.imagesDir, { recursive: true });
  const file = imageIndexFile(layout.imagesDir);
  await withLock(`${file}.lock`, 'image index', () => {
    const current = readIndex(file);
    if (current.problem !== null) {
      renameSync(file, `${file}.corrupt`);
      warn(`warning: the image index ${file} ${current.problem}; it was moved to ${file}.corrupt and a new index started`);
    }
    const byKey = new Map(current.images.map((i) => [i.key, i]));
    for (const i of images) if (!byKey.has(i.key)) byKey.set(i.key, i);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ images: [...byKey.values()].sort((a, b) => a.builtAt - b.builtAt || (a.key < b.key ? -1 : 1)) }, null, 2) + '\n');
    renameSync(tmp, file);
  });
};
