import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { appendLog, readLog } from '../../src/store/event-log.js';
import { tempDir } from '../temp.js';

const tmp = () => tempDir('hyperp-log-');

const log = suite('event log');

log('appended events read back in order', async () => {
  const path = join(tmp(), 'run', 'events.jsonl');
  await appendLog(path, [{ n: 1 }, { n: 2 }]);
  await appendLog(path, [{ n: 3 }]);
  const r = readLog<{ n: number }>(path);
  assert.equal(r, { events: [{ n: 1 }, { n: 2 }, { n: 3 }], offset: readFileSync(path).length, badLines: [], nextLine: 4, tornTail: false });
});

log('a missing log reads as empty', () => {
  assert.equal(readLog(join(tmp(), 'none.jsonl')), { events: [], offset: 0, badLines: [], nextLine: 1, tornTail: false });
});

log('a torn last line is ignored, then cut off by the next append', async () => {
  const path = join(tmp(), 'events.jsonl');
  await appendLog(path, [{ n: 1 }]);
  appendFileSync(path, '{"n": 2, "half');
  const torn = readLog<{ n: number }>(path);
  assert.equal(torn.events, [{ n: 1 }]);
  assert.is(torn.tornTail, true);
  await appendLog(path, [{ n: 3 }]);
  assert.is(readFileSync(path, 'utf8'), '{"n":1}\n{"n":3}\n');
  assert.equal(readLog(path).events, [{ n: 1 }, { n: 3 }]);
});

log('a log that is only a torn line reads as empty and appends cleanly', async () => {
  const path = join(tmp(), 'events.jsonl');
  writeFileSync(path, '{"n"');
  assert.equal(readLog(path).events, []);
  await appendLog(path, [{ n: 9 }]);
  assert.is(readFileSync(path, 'utf8'), '{"n":9}\n');
});

log('reading from an offset returns only the new events', async () => {
  const path = join(tmp(), 'events.jsonl');
  await appendLog(path, [{ n: 1 }]);
  const first = readLog(path);
  await appendLog(path, [{ n: 2 }, { n: 3 }]);
  const next = readLog(path, first.offset, 2);
  assert.equal(next.events, [{ n: 2 }, { n: 3 }]);
  assert.equal(readLog(path, next.offset).events, []);
});

log('a corrupt complete line is reported by number and skipped', async () => {
  const path = join(tmp(), 'events.jsonl');
  writeFileSync(path, '{"n":1}\nnot json\n{"n":3}\n');
  const r = readLog(path);
  assert.equal(r.events, [{ n: 1 }, { n: 3 }]);
  assert.equal(r.badLines, [2]);
});

log('appends from several processes at once are all kept, whole', async () => {
  const path = join(tmp(), 'events.jsonl');
  const src = new URL('../../src/store/event-log.ts', import.meta.url).pathname;
  const script = `import { appendLog } from ${JSON.stringify(src)};
    const id = Number(process.argv[1]);
    for (let i = 0; i < 40; i++) await appendLog(${JSON.stringify(path)}, [{ id, i, pad: 'x'.repeat(5000) }]);`;
  const run = (id: number) =>
    new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, String(id)], { stdio: 'inherit' });
      c.on('exit', (code) => resolve(code ?? -1));
    });
  assert.equal(await Promise.all([1, 2, 3, 4].map(run)), [0, 0, 0, 0]);
  const r = readLog<{ id: number; i: number }>(path);
  assert.equal(r.badLines, []);
  assert.is(r.events.length, 160);
  for (const id of [1, 2, 3, 4]) {
    assert.equal(r.events.filter((e) => e.id === id).map((e) => e.i), Array.from({ length: 40 }, (_, i) => i));
  }
});

log.run();
