import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { containerCommand, DEFAULT_PATH } from '../../src/engine/command.js';

const image = { entrypoint: ['python3', 'main.py'], cmd: ['--fast'], workdir: '/app', env: { A: 'image', B: 'image' } };
const cc = suite('containerCommand');

cc('the image decides when the task definition is silent', () => {
  assert.equal(containerCommand({ name: 'c' }, image, { TASK_INDEX: '1' }), {
    _tag: 'Command', argv: ['python3', 'main.py', '--fast'], workdir: '/app',
    env: { PATH: DEFAULT_PATH, HOME: '/root', A: 'image', B: 'image', TASK_INDEX: '1' },
  });
});

cc('command replaces CMD; entryPoint replaces ENTRYPOINT and drops CMD; env layers image < task < hyperp', () => {
  assert.equal(
    containerCommand({ name: 'c', command: ['x'], environment: [{ name: 'B', value: 'task' }, { name: 'TASK_INDEX', value: 'no' }] }, image, { TASK_INDEX: '3' }),
    { _tag: 'Command', argv: ['python3', 'main.py', 'x'], workdir: '/app', env: { PATH: DEFAULT_PATH, HOME: '/root', A: 'image', B: 'task', TASK_INDEX: '3' } },
  );
  assert.equal(containerCommand({ name: 'c', entryPoint: ['sh'], workingDirectory: '/w' }, image, {}), {
    _tag: 'Command', argv: ['sh'], workdir: '/w', env: { PATH: DEFAULT_PATH, HOME: '/root', A: 'image', B: 'image' },
  });
});

cc('nothing to run is a clear message naming the container', () => {
  assert.equal(containerCommand({ name: 'calc' }, { ...image, entrypoint: [], cmd: [] }, {}), {
    _tag: 'NoCommand',
    message: 'container "calc" has no command: set CMD or ENTRYPOINT in its Dockerfile, or command in the task definition',
  });
});

cc.run();
