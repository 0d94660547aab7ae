// Reads a zip back with yauzl (entries' names, Unix modes, sizes, content) for the zip tests.
import { open, type Entry, type ZipFile } from 'yauzl';

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly mode: number;
  readonly zip64: boolean;
  /** The content, for entries of at most `maxContent` bytes; null for bigger ones. */
  readonly content: Buffer | null;
}

export const readZip = (file: string, maxContent = 1 << 20): Promise<{ entries: ZipEntry[]; comment: string }> =>
  new Promise((resolve, reject) => {
    open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip?: ZipFile) => {
      if (err || !zip) return reject(err);
      const entries: ZipEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve({ entries, comment: zip.comment }));
      zip.on('entry', (e: Entry) => {
        const base = { name: e.fileName, size: e.uncompressedSize, mode: (e.externalFileAttributes >>> 16) & 0xffff, zip64: e.extraFields.some((x) => x.id === 0x0001) };
        if (e.uncompressedSize > maxContent || e.fileName.endsWith('/')) {
          entries.push({ ...base, content: null });
          zip.readEntry();
          return;
        }
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('error', reject);
          s.on('end', () => {
            entries.push({ ...base, content: Buffer.concat(parts) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
