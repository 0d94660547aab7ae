// Which host runtime serves an image on the process engine, and when its version is not the image's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostProgram, imageRuntime, runtimeNotice, tagVersion, versionMatches } from '../../src/engine/host-runtime.js';

test('the version a tag names, and none where it names none', () => {
  const tags = ['python:3.12-slim', 'public.ecr.aws/docker/library/python:3.9', 'node:20', 'node:20.11-alpine', 'node:v18', 'python:3.12.1-bookworm', 'python', 'python:latest', 'python:slim', 'node:lts', 'python@sha256:ab', 'python:3.12rc1'];
  assert.equal(tags.map(tagVersion), ['3.12', '3.9', '20', '20.11', '18', '3.12.1', undefined, undefined, undefined, undefined, undefined, undefined]);
  assert.equal([versionMatches('3.11', '3.11.2'), versionMatches('3', '3.11.2'), versionMatches('3.12', '3.11.2'), versionMatches('3.1', '3.11.2'), versionMatches('20', '20.20.2')], [true, true, false, false, true]);
});

const host = (programs: Record<string, string>) => (name: string) => (programs[name] === undefined ? undefined : `/usr/bin/${name}`);
const versionOf = (programs: Record<string, string>) => (path: string) => programs[path.slice('/usr/bin/'.length)];

test('a python or node image names its host program and version; another version gets a warning', () => {
  const programs = { python3: '3.11.2', node: '20.20.2' };
  const rt = (base: string) => imageRuntime(base, host(programs), versionOf(programs));
  assert.is(rt('debian:12'), undefined);
  assert.equal(runtimeNotice('a/Dockerfile', 'python:3.11-slim', rt('python:3.11-slim')!), {
    note: 'a/Dockerfile (FROM python:3.11-slim) runs on this machine\'s python 3.11.2, /usr/bin/python3 (as "python"), not the image\'s own',
  });
  assert.equal(runtimeNotice('n/Dockerfile', 'node:22', rt('node:22')!).warning,
    'n/Dockerfile (FROM node:22) is node 22, but the process engine runs it on this machine\'s node 20.20.2, /usr/bin/node; ' +
    'what differs between the two versions may change what its jobs do (--engine docker or podman runs the image\'s own)');
  assert.is(runtimeNotice('n/Dockerfile', 'node:lts', rt('node:lts')!).warning, undefined);
});

test('a host without the runtime says the image cannot run on the process engine', () => {
  const rt = imageRuntime('python:3.12', host({}), () => undefined)!;
  assert.match(runtimeNotice('a/Dockerfile', 'python:3.12', rt).warning ?? '', /needs python; this machine has none under \/usr or \/bin/);
});

test("a host program is found in the PATH's system folders first, then in the standard ones, never outside them", () => {
  const on = (...files: string[]) => (p: string) => files.includes(p);
  assert.is(hostProgram('python3', '/usr/local/bin:/usr/bin', on('/usr/bin/python3', '/usr/local/bin/python3')), '/usr/local/bin/python3');
  // A PATH of folders the sandbox does not show (a user's own, a folder of links) still finds /usr/bin's.
  assert.is(hostProgram('python3', '/home/u/bin:/tmp/links', on('/tmp/links/python3', '/usr/bin/python3')), '/usr/bin/python3');
  assert.is(hostProgram('python3', '', on('/bin/python3')), '/bin/python3');
  assert.is(hostProgram('python3', '/opt/py/bin', on('/opt/py/bin/python3')), undefined);
});

test.run();
