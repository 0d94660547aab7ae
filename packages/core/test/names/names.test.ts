import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  attemptKey, awsNameLimits, buildAttemptKey, clientToken, downloadableKey, imageTag, imageUri, isImageKey,
  jobArtifactPath, jobHash, logStreamName, logStreamPrefix, meetsLimit, parseAttemptKey, sharedArtifactPath,
  builderFamily, slug, startedBy, taskDefinitionFamily, workflowHash,
} from '../../src/names/index.js';
import { efsDirectory } from '../../src/render/settings.js';
import { artifactNameProblem } from '../../src/workflow/rules-workflow.js';

// The calculator's job names, and the characters the issue calls out.
const awkward = ['add 1 + 2', 'multiply * 3', 'divide/by/zero', 'a+b', ' lead and trail ', '***', '/', 'ünïcødé ✓', 'x'.repeat(300)];
const name = fc.oneof(fc.constantFrom(...awkward), fc.string({ minLength: 1, maxLength: 120 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }));
const runId = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const commit = fc.stringMatching(/^[0-9a-f]{40}$/);
const positive = fc.integer({ min: 1, max: 10_000 });
const runs = { numRuns: 200 };

const attempt = suite('attempt keys');

attempt('the key of an attempt is {runId}/{job}/{index}/{attempt}', () => {
  assert.is(attemptKey({ runId: 'r1', job: 'build', index: 2, attempt: 1 }), 'r1/build/2/1');
  assert.is(attemptKey({ runId: 'r1', job: 'divide/by zero', index: 1, attempt: 3 }), 'r1/divide%2Fby%20zero/1/3');
});

attempt('parseAttemptKey inverts attemptKey for any job name', () => {
  fc.assert(fc.property(runId, name, positive, positive, (r, job, index, n) => {
    const a = { runId: r, job, index, attempt: n };
    assert.equal(parseAttemptKey(attemptKey(a)), E.right(a));
  }), runs);
});

attempt('malformed keys are errors as data', () => {
  assert.equal(parseAttemptKey('r1/job/0/1'), E.left({ _tag: 'MalformedAttemptKey', key: 'r1/job/0/1', reason: 'task index "0" is not a positive integer' }));
  assert.equal(parseAttemptKey('r1/a/b/1/1'), E.left({ _tag: 'MalformedAttemptKey', key: 'r1/a/b/1/1', reason: 'expected 4 parts separated by "/", found 5' }));
  assert.equal(parseAttemptKey('r1/%E0%A4%A/1/1'), E.left({ _tag: 'MalformedAttemptKey', key: 'r1/%E0%A4%A/1/1', reason: 'run id and job must be non-empty and URI-encoded' }));
});

attempt('clientToken meets RunTask\'s limit (≤64, ASCII 33–126) and differs per attempt', () => {
  fc.assert(fc.property(runId, name, positive, positive, (r, job, index, n) => {
    const key = attemptKey({ runId: r, job, index, attempt: n });
    const token = clientToken(key);
    assert.ok(meetsLimit(awsNameLimits.runTaskClientToken, token), token);
    assert.is.not(token, clientToken(attemptKey({ runId: r, job, index, attempt: n + 1 })));
    assert.is(token, clientToken(key));
  }), runs);
});

attempt('startedBy meets the stricter documented limit (≤36; letters, digits, -, _, /)', () => {
  fc.assert(fc.property(runId, name, positive, positive, (r, job, index, n) => {
    const key = attemptKey({ runId: r, job, index, attempt: n });
    const s = startedBy(key);
    assert.ok(meetsLimit(awsNameLimits.startedBy, s), s);
    assert.ok(s.startsWith('hyperp-'));
    assert.is.not(s, startedBy(attemptKey({ runId: r, job, index: index + 1, attempt: n })));
  }), runs);
});

attempt('build keys never collide with task keys, whatever the job is called', () => {
  const b = buildAttemptKey({ runId: 'r1', imageKey: 'a'.repeat(64), attempt: 1 });
  assert.is(b, `r1/build:${'a'.repeat(64)}/1`);
  assert.ok(E.isLeft(parseAttemptKey(b)));
  fc.assert(fc.property(name, positive, (job, index) => attemptKey({ runId: 'r1', job, index, attempt: 1 }) !== b), runs);
});

attempt.run();

const family = suite('task-definition family');

family('readable and unique', () => {
  const f = taskDefinitionFamily('calculator', 'add 1 + 2');
  assert.match(f, /^hyperp-calculator-add-1-2-[0-9a-f]{16}$/);
  // Names that slug the same still get different families.
  assert.is.not(taskDefinitionFamily('calculator', 'add 1 + 2'), taskDefinitionFamily('calculator', 'add-1-2'));
  assert.is.not(taskDefinitionFamily('a', 'b c'), taskDefinitionFamily('a b', 'c'));
  assert.match(taskDefinitionFamily('***', '/'), /^hyperp-[0-9a-f]{16}$/);
});

family('a deployment\'s families start with its name prefix and "_", which no prefix contains', () => {
  assert.match(taskDefinitionFamily('calculator', 'add 1 + 2', 'hyperp-prod'), /^hyperp-prod_calculator-add-1-2-[0-9a-f]{16}$/);
  // Two deployments never share a family, even when one prefix starts the other.
  const a = taskDefinitionFamily('w', 'j', 'hyperp-prod');
  const b = taskDefinitionFamily('w', 'j', 'hyperp-prod-eu');
  assert.is.not(a, b);
  assert.not.ok(b.startsWith('hyperp-prod_'));
  assert.is(builderFamily('hyperp-prod'), 'hyperp-prod_builder');
  assert.not.ok(builderFamily('hyperp-prod-eu').startsWith('hyperp-prod_'));
});

family('always within RegisterTaskDefinition\'s family limit', () => {
  fc.assert(fc.property(name, name, (wf, job) => {
    const f = taskDefinitionFamily(wf, job);
    assert.ok(meetsLimit(awsNameLimits.taskDefinitionFamily, f), f);
    const g = taskDefinitionFamily(wf, job, 'a'.repeat(40));
    assert.ok(meetsLimit(awsNameLimits.taskDefinitionFamily, g), g);
  }), runs);
});

family('slug keeps only allowed characters', () => {
  assert.is(slug(' multiply * 3 ', 80), 'multiply-3');
  assert.is(slug('abc-def', 4), 'abc');
});

family.run();

const paths = suite('artifact paths and S3 keys');
const scope = { commit: 'c0ffee'.padEnd(40, '0'), runId: 'run-1', workflow: 'calculator' };

paths('layout {commit}/{runId}/{wfHash}/{jobHash} and shared/{name}', () => {
  const wf = workflowHash('calculator');
  assert.match(wf, /^[0-9a-f]{16}$/);
  assert.is(jobArtifactPath(scope, 'add 1 + 2'), `${scope.commit}/run-1/${wf}/${jobHash('add 1 + 2')}`);
  assert.is(sharedArtifactPath(scope, 'numbers'), `${scope.commit}/run-1/${wf}/shared/numbers`);
  assert.is(downloadableKey(scope, 'add 1 + 2'), `hyperp-artifacts/${scope.commit}/run-1/${wf}/${jobHash('add 1 + 2')}/artifacts.zip`);
});

paths('job paths differ per job and per workflow', () => {
  fc.assert(fc.property(name, name, (a, b) => {
    fc.pre(a !== b);
    assert.is.not(jobArtifactPath(scope, a), jobArtifactPath(scope, b));
    assert.is.not(jobArtifactPath({ ...scope, workflow: a }, 'j'), jobArtifactPath({ ...scope, workflow: b }, 'j'));
  }), runs);
});

paths('downloadable keys are S3-safe and within 1,024 bytes', () => {
  fc.assert(fc.property(commit, runId, name, name, (c, r, wf, job) => {
    const key = downloadableKey({ commit: c, runId: r, workflow: wf }, job);
    assert.ok(meetsLimit(awsNameLimits.s3ObjectKey, key), key);
    assert.ok(new TextEncoder().encode(key).length <= 1024);
  }), runs);
});

paths('EFS directories of job outputs and shared artifacts meet rootDirectory\'s limit (4,096; segments ≤ 255)', () => {
  const settings = { region: 'us-east-1', imageRepository: 'r', logGroup: 'g', efs: { fileSystemId: 'fs-1', rootDirectory: '/hyperp' } };
  // Any artifact name validation accepts: up to 255 characters once encoded.
  const artifact = name.filter((n) => artifactNameProblem(n) === undefined);
  fc.assert(fc.property(commit, runId, name, name, artifact, (c, r, wf, job, shared) => {
    const s = { commit: c, runId: r, workflow: wf };
    for (const dir of [efsDirectory(settings, jobArtifactPath(s, job)), efsDirectory(settings, sharedArtifactPath(s, shared))]) {
      assert.ok(meetsLimit(awsNameLimits.efsRootDirectory, dir), dir);
    }
  }), runs);
  // The longest name validation accepts still fits; one more character is refused.
  const longest = 'ü'.repeat(42) + 'x'.repeat(3);
  assert.is(encodeURIComponent(longest).length, 255);
  assert.ok(meetsLimit(awsNameLimits.efsRootDirectory, efsDirectory(settings, sharedArtifactPath(scope, longest))));
  assert.is(artifactNameProblem(longest), undefined);
  assert.is(artifactNameProblem(`${longest}x`), 'it is too long: 256 characters once URI-encoded for the artifact path, at most 255');
  assert.not.ok(meetsLimit(awsNameLimits.efsRootDirectory, efsDirectory(settings, sharedArtifactPath(scope, `${longest}x`))));
});

paths.run();

const images = suite('image tags');

images('the tag is the key and a valid Docker/ECR tag', () => {
  const key = 'ab'.repeat(32);
  assert.ok(isImageKey(key));
  assert.is(imageTag(key), key);
  assert.ok(meetsLimit(awsNameLimits.imageTag, imageTag(key)));
  assert.is(imageUri('123.dkr.ecr.us-east-1.amazonaws.com/hyperp', key), `123.dkr.ecr.us-east-1.amazonaws.com/hyperp:${key}`);
  assert.not.ok(isImageKey('AB'.repeat(32)));
  assert.not.ok(meetsLimit(awsNameLimits.imageTag, '-starts-with-dash'));
});

images('a built container\'s image URI fits ECS\'s image field for every ECR repository name up to 140 characters', () => {
  // ECR URIs are {account}.dkr.ecr.{region}.amazonaws.com/{name}; the image adds ":" and the
  // 64-hex tag. With a 14-character region name (ap-southeast-4), 140 is what is left of 255.
  const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-4', 'us-gov-west-1', 'eu-central-2');
  const repoName = fc.oneof(
    fc.stringMatching(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/).filter((n) => n.length <= 140),
    fc.integer({ min: 1, max: 140 }).map((n) => 'r'.repeat(n)),
  );
  const uri = (r: string, n: string, key: string) => imageUri(`123456789012.dkr.ecr.${r}.amazonaws.com/${n}`, key);
  fc.assert(fc.property(region, repoName, fc.stringMatching(/^[0-9a-f]{64}$/), (r, n, key) => {
    assert.ok(meetsLimit(awsNameLimits.containerImage, uri(r, n, key)), uri(r, n, key));
  }), runs);
  assert.ok(meetsLimit(awsNameLimits.containerImage, uri('ap-southeast-4', 'r'.repeat(140), 'a'.repeat(64))));
  assert.not.ok(meetsLimit(awsNameLimits.containerImage, uri('ap-southeast-4', 'r'.repeat(141), 'a'.repeat(64))));
});

images.run();

const logs = suite('log stream names');

logs('prefix hyperp/{runId}/{wfHash}/{jobHash}; stream prefix/container/task-id', () => {
  const p = logStreamPrefix('run-1', 'calculator', 'multiply * 3');
  assert.is(p, `hyperp/run-1/${workflowHash('calculator')}/${jobHash('multiply * 3')}`);
  assert.is(logStreamName(p, 'main', 'arn:aws:ecs:us-east-1:123:task/cluster/0123abcd'), `${p}/main/0123abcd`);
});

logs('streams never hold : or * and stay within 512 characters', () => {
  const container = fc.stringMatching(/^[A-Za-z0-9_-]{1,255}$/);
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 80 }), name, name, container, (r, wf, job, c) => {
    const stream = logStreamName(logStreamPrefix(r, wf, job), c, 'f'.repeat(32));
    assert.ok(meetsLimit(awsNameLimits.logStreamName, stream), stream);
  }), runs);
});

logs.run();
