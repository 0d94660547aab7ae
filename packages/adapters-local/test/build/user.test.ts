import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveUser } from '../../src/build/user.js';

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
  assert.equal(resolveUser('ghost', passwd, group), { error: `USER ghost: no user "ghost" in the image's /etc/passwd` });
  assert.equal(resolveUser('node:ghosts', passwd, group), { error: `USER node:ghosts: no group "ghosts" in the image's /etc/group` });
  assert.equal(resolveUser('ghost', undefined, undefined), { error: 'USER ghost: no user "ghost" in any /etc/passwd' });
  assert.equal(resolveUser('a:b:c', passwd, group), { error: 'USER a:b:c: expected a user or uid, optionally followed by :group or :gid' });
  assert.equal(resolveUser('node:', passwd, group), { error: 'USER node:: expected a user or uid, optionally followed by :group or :gid' });
  assert.equal(resolveUser('99999999999', passwd, group), { error: 'USER 99999999999: no user "99999999999" in the image\'s /etc/passwd' });
});

user.run();
