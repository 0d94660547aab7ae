/**
 * The local image store's index, `.hyperp/images/index.json`: one `StoredImage` per built key,
 * what `plan` reads to decide build or reuse and to explain a rebuild. Written when a run
 * records an image (the reducer's `RecordImage`), under a lock, replaced atomically.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageStoreOf, type ImageStore, type StoredImage } from '@hyperp/core';
import { withLock } from '../store/lock.js';

export const imageIndexFile = (imagesDir: string): string => join(imagesDir, 'index.json');

/** The images of the store; a missing or unreadable index is an empty store. */
export const readImageIndex = (imagesDir: string): StoredImage[] => {
  const file = imageIndexFile(imagesDir);
  if (!existsSync(file)) return [];
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { images?: StoredImage[] };
    return Array.isArray(v.images) ? v.images : [];
  } catch {
    return [];
  }
};

export const loadImageStore = (imagesDir: string): ImageStore => imageStoreOf(readImageIndex(imagesDir));

export const recordImages = async (imagesDir: string, images: readonly StoredImage[]): Promise<void> => {
  mkdirSync(imagesDir, { recursive: true });
  const file = imageIndexFile(imagesDir);
  await withLock(`${file}.lock`, 'image index', () => {
    const byKey = new Map(readImageIndex(imagesDir).map((i) => [i.key, i]));
    for (const i of images) if (!byKey.has(i.key)) byKey.set(i.key, i);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ images: [...byKey.values()].sort((a, b) => a.builtAt - b.builtAt || (a.key < b.key ? -1 : 1)) }, null, 2) + '\n');
    renameSync(tmp, file);
  });
};
