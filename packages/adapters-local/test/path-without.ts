// A PATH with every program of this one but `name` (a folder of links to the others), for tests
// of a host that lacks it: bubblewrap, to exercise the util-linux sandbox.
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.js';

export const pathWithout = (name: string, path = process.env['PATH'] ?? ''): string => {
  const shadow = tempDir(`hyperp-no-${name}-`);
  for (const dir of path.split(':').filter((d) => d !== '')) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) if (e !== name && !existsSync(join(shadow, e))) symlinkSync(join(dir, e), join(shadow, e));
  }
  return shadow;
};
