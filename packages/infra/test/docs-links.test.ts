// docs/deploy.md and docs/migration.md link to each other, to the other docs and to their own
// sections; every link must reach a file and, with a #fragment, a heading of it (GitHub's slugs).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const docs = new URL('../../../docs/', import.meta.url).pathname;

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to dashes. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchors = (file: string): Set<string> =>
  new Set([...readFileSync(join(docs, file), 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

const brokenLinks = (file: string): string[] => {
  const text = readFileSync(join(docs, file), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/.test(href))
    .filter((href) => {
      const [path, fragment] = href.split('#') as [string, string | undefined];
      const target = path === '' ? file : path;
      if (!existsSync(join(docs, target))) return true;
      return fragment !== undefined && target.endsWith('.md') && !anchors(target).has(fragment);
    });
};

test('slugs as GitHub makes them', () => {
  assert.equal(
    ['1. Create the GitHub App', 'Remote mode: the runs of a deployment', '`hyperp deploy`', 'Images and the image store'].map(slug),
    ['1-create-the-github-app', 'remote-mode-the-runs-of-a-deployment', 'hyperp-deploy', 'images-and-the-image-store'],
  );
});

test('every relative link of deploy.md and migration.md reaches its file and heading', () => {
  assert.equal(
    ['deploy.md', 'migration.md'].map((f) => [f, brokenLinks(f)]),
    [
      ['deploy.md', []],
      ['migration.md', []],
    ],
  );
});

test.run();
