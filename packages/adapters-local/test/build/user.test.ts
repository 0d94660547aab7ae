import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { accountEntries, MAX_ACCOUNT_FILE_BYTES, resolveUser, startError } from '../../src/build/user.js';

const passwd = { text: 'root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n', from: "the image's /etc/passwd" };
const group = { text: 'root:x:0:\nstaff:x:50:node\nnogroup:x:65534:\n', from: "the image's /etc/group" };

const user = suite('resolveUser');

user('a name takes its uid, primary group and home from /etc/passwd', () => {
  assert.equal(resolveUser('node', passwd, group), { spec: 'node', uid: 1000, gid: 1000, home: '/home/node' });
  assert.equal(resolveUser('nobody', passwd, group), { spec: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' });
});

user('a uid is taken as is: listed, it has its group and home; unlisted, gid 0 and home / (as Docker)', () => {
  assert.equal(resolveUser('1000', passwd, group), { spec: '1000', uid: 1000, gid: 1000, home: '/home/node' });
  assert.equal(resolveUser('4242', passwd, group), { spec: '4242', uid: 4242, gid: 0, home: '/' });
  assert.equal(resolveUser('4242', undefined, undefined), { spec: '4242', uid: 4242, gid: 0, home: '/' });
});

user('a group, by name from /etc/group or by gid, replaces the primary group', () => {
  assert.equal(resolveUser('node:staff', passwd, group), { spec: 'node:staff', uid: 1000, gid: 50, home: '/home/node' });
  assert.equal(resolveUser('1000:1001', passwd, group), { spec: '1000:1001', uid: 1000, gid: 1001, home: '/home/node' });
  assert.equal(resolveUser('0:0', passwd, group), { spec: '0:0', uid: 0, gid: 0, home: '/root' });
});

user('an unknown user or group, or a malformed USER, is an error that names it and where it was looked for', () => {
  assert.equal(resolveUser('ghost', passwd, group), { error: `USER ghost: no user "ghost" in the image's /etc/passwd`, unknown: { kind: 'user', name: 'ghost' } });
  assert.equal(resolveUser('node:ghosts', passwd, group), { error: `USER node:ghosts: no group "ghosts" in the image's /etc/group`, unknown: { kind: 'group', name: 'ghosts' } });
  assert.equal(resolveUser('ghost', undefined, undefined), { error: 'USER ghost: no user "ghost" in any /etc/passwd', unknown: { kind: 'user', name: 'ghost' } });
  assert.equal(resolveUser('a:b:c', passwd, group), { error: 'USER a:b:c: expected a user or uid, optionally followed by :group or :gid' });
  assert.equal(resolveUser('node:', passwd, group), { error: 'USER node:: expected a user or uid, optionally followed by :group or :gid' });
  assert.equal(resolveUser('99999999999', passwd, group), { error: 'USER 99999999999: no user "99999999999" in the image\'s /etc/passwd', unknown: { kind: 'user', name: '99999999999' } });
});

user("a task's start error says it in Docker's words (ECS shows Docker's)", () => {
  const why = (spec: string) => {
    const r = resolveUser(spec, passwd, group);
    return 'error' in r ? startError(r) : r;
  };
  assert.equal(why('ghost'), 'unable to find user ghost: no matching entries in passwd file');
  assert.equal(why('node:ghosts'), 'unable to find group ghosts: no matching entries in group file');
  assert.equal(why('a:b:c'), 'invalid user: a:b:c: expected a user or uid, optionally followed by :group or :gid');
});

const parse = suite('accountEntries (the image writes these files: hostile)');
const file = (text: string) => ({ text, from: 'f' });

parse('blank lines, comments, CRLF ends and surrounding spaces are read as Docker reads them', () => {
  assert.equal(accountEntries(file('\n# a comment: x:1:1\r\n  app:x:1000:1000:App:/home/app:/bin/sh  \r\n\n')), [{ name: 'app', id: 1000, gid: 1000, home: '/home/app' }]);
});

parse('a line without a plain decimal id is skipped, never read as uid 0 (Docker reads it as root)', () => {
  const odd = 'a:x:abc:0\nb:x:-1:0\nc:x: 7:0\nd:x:0x10:0\ne:x:1e3:0\nf:x:99999999999:0\ng:x\n:x:5:5\n+::::::\n-bad::::::\nok:x:7:notanumber\n';
  assert.equal(accountEntries(file(odd)), [{ name: 'ok', id: 7, gid: 0, home: '/' }]);
  assert.equal(resolveUser('a', file(odd), undefined), { error: 'USER a: no user "a" in f', unknown: { kind: 'user', name: 'a' } });
});

parse('the first entry of a name wins, as in Docker; a name with odd characters is compared as it is', () => {
  const twice = 'app:x:1000:1000::/a:\napp:x:0:0::/b:\nü s\u202e:x:5:5::/c:\n';
  assert.equal(resolveUser('app', file(twice), undefined), { spec: 'app', uid: 1000, gid: 1000, home: '/a' });
  assert.equal(resolveUser('ü s\u202e', file(twice), undefined), { spec: 'ü s\u202e', uid: 5, gid: 5, home: '/c' });
});

parse('only the first MAX_ACCOUNT_FILE_BYTES are read: a huge file costs no more than that', () => {
  const huge = 'pad:x:1:1::/:\n'.repeat(Math.ceil(MAX_ACCOUNT_FILE_BYTES / 14) + 10) + 'late:x:9:9::/:\n';
  assert.equal(resolveUser('late', file(huge), undefined), { error: 'USER late: no user "late" in f', unknown: { kind: 'user', name: 'late' } });
  assert.equal(resolveUser('pad', file(huge), undefined), { spec: 'pad', uid: 1, gid: 1, home: '/' });
});

parse.run();

user.run();
