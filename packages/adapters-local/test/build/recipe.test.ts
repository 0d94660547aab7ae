import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRecipe } from '../../src/build/recipe.js';

const recipe = suite('parseRecipe');

recipe('takes COPY/ADD, WORKDIR, ENV, ENTRYPOINT and CMD of the final stage and lists RUN', () => {
  const r = parseRecipe(`FROM node:20 AS deps
RUN npm ci
FROM python:3.12-slim
ARG DIR=/srv
ENV A=1 B="two words"
ENV C plain value
WORKDIR $DIR
WORKDIR app
COPY main.py lib/ ./
ADD ["with space.txt", "data/"]
RUN pip install -r requirements.txt
COPY --from=deps /node_modules /node_modules
CMD ["--verbose"]
ENTRYPOINT ["python3", "main.py"]
`);
  assert.equal(r, {
    _tag: 'Recipe',
    recipe: {
      baseImage: 'python:3.12-slim',
      copies: [
        { sources: ['main.py', 'lib/'], dest: '/srv/app/', line: 9 },
        { sources: ['with space.txt'], dest: '/srv/app/data/', line: 10 },
      ],
      workdir: '/srv/app',
      env: { A: '1', B: 'two words', C: 'plain value' },
      entrypoint: ['python3', 'main.py'],
      cmd: ['--verbose'],
      skippedRuns: ['pip install -r requirements.txt'],
      warnings: ['multi-stage build: only the final stage is laid out', 'line 12: COPY --from copies from another stage or image; skipped'],
    },
  });
});

recipe('shell-form CMD runs through /bin/sh -c, as Docker does', () => {
  const r = parseRecipe('FROM alpine\nCMD echo "$HOME" && ls\n');
  assert.equal(r._tag === 'Recipe' && r.recipe.cmd, ['/bin/sh', '-c', 'echo "$HOME" && ls']);
});

recipe('ENTRYPOINT after a CMD of the same stage keeps that CMD', () => {
  const r = parseRecipe('FROM alpine\nCMD ["a"]\nENTRYPOINT ["b"]\n');
  assert.equal(r._tag === 'Recipe' && [r.recipe.entrypoint, r.recipe.cmd], [['b'], ['a']]);
});

recipe('a Dockerfile without FROM is an error; a COPY without destination names its line', () => {
  assert.equal(parseRecipe('COPY a b\n'), { _tag: 'RecipeError', message: 'the Dockerfile has no FROM instruction' });
  assert.equal(parseRecipe('FROM x\n\nCOPY a\n'), { _tag: 'RecipeError', message: 'line 3: COPY needs a source and a destination' });
});

recipe('takes the last USER of the final stage, with ARG substitution; an empty one is an error naming its line', () => {
  const r = parseRecipe('FROM node:20 AS build\nUSER builder\nFROM node:20\nARG APP_USER=node\nUSER root\nUSER $APP_USER:staff\nCMD ["node"]\n');
  assert.equal(r._tag === 'Recipe' ? r.recipe.user : r, { spec: 'node:staff', line: 6 });
  const none = parseRecipe('FROM node:20\nCMD ["node"]\n');
  assert.is(none._tag === 'Recipe' && 'user' in none.recipe, false);
  assert.equal(parseRecipe('FROM node:20\nUSER\n'), { _tag: 'RecipeError', message: 'line 2: USER needs a user name or uid' });
});

recipe.run();
