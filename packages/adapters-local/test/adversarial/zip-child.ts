// Zips a folder in its own process and prints what it took: `{ bytes, entries, notes, maxRssMiB }`.
// Peak memory is the process's own (getrusage), so tests compare it with a baseline run.
import { zipDirectory } from '../../src/artifacts/zip.js';

const [dir, zipFile] = process.argv.slice(2);
const r = await zipDirectory(dir!, zipFile!);
process.stdout.write(JSON.stringify({ ...r, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
