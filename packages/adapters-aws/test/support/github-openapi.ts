/**
 * GitHub's own published description of its API, as the tests' judge: every request the fake
 * GitHub server receives is matched to an operation of `@octokit/openapi` (api.github.com, the
 * description GitHub generates its docs from) and its path parameters, query and JSON body are
 * validated against that operation's schemas; every webhook payload a test sends is validated
 * against `@octokit/openapi-webhooks`. A request or payload GitHub's schema rejects is a test
 * failure, so hyperp cannot drift into a shape only its own fake accepts.
 *
 * Only the non-dereferenced descriptions are read (13 MB and 5 MB; the packages' index files
 * would load every GHES version too), and Ajv compiles each operation's schema on first use.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const generated = (pkg: string) => join(dirname(require.resolve(`${pkg}/package.json`)), 'generated', 'api.github.com.json');

type Json = Record<string, unknown>;
interface Parameter { readonly name: string; readonly in: string; readonly required?: boolean; readonly schema?: Json; readonly 'x-multi-segment'?: boolean }
interface Route { readonly method: string; readonly template: string; readonly regex: RegExp; readonly names: string[]; readonly literal: number }

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const newAjv = (): Ajv => {
  // OpenAPI 3.0 schemas carry `nullable`, `example` and vendor keys: not strict JSON Schema.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes: false });
  addFormats(ajv);
  return ajv;
};

const describeErrors = (v: ValidateFunction): string =>
  (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`).join('; ');

const pointer = (...parts: string[]): string => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export interface RestJudge {
  /** Problems GitHub's description finds in this request; empty when it conforms. */
  readonly check: (method: string, url: string, body: unknown) => string[];
}

let restJudge: RestJudge | undefined;

/** The REST judge (loaded once per process: parsing the description takes a second). */
export const githubRestJudge = (): RestJudge => {
  if (restJudge) return restJudge;
  const doc = JSON.parse(readFileSync(generated('@octokit/openapi'), 'utf8')) as { paths: Record<string, Record<string, Json>>; components: { parameters: Record<string, Parameter> } };
  const ajv = newAjv();
  ajv.addSchema(doc as unknown as Json, 'rest');
  const routes: Route[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    const names: string[] = [];
    const params = (Object.values(ops).flatMap((op) => (op['parameters'] as (Parameter | { $ref: string })[] | undefined) ?? []))
      .map((p) => ('$ref' in p ? doc.components.parameters[p.$ref.split('/').pop()!]! : p));
    const multi = new Set(params.filter((p) => p['x-multi-segment']).map((p) => p.name));
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return multi.has(name) ? '(.+)' : '([^/]+)';
    });
    for (const method of Object.keys(ops)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), names: [...names], literal: template.replace(/\{[^}]+\}/g, '').length });
    }
  }
  // The most literal template wins: `/repos/{o}/{r}/check-runs/{id}` before `/repos/{o}/{r}/{x}`.
  routes.sort((a, b) => b.literal - a.literal);
  const compiled = new Map<string, ValidateFunction>();
  const validator = (ref: string): ValidateFunction => {
    let v = compiled.get(ref);
    if (!v) compiled.set(ref, (v = ajv.compile({ $ref: ref })));
    return v;
  };
  restJudge = {
    check: (method, url, body) => {
      const u = new URL(url, 'http://x');
      const route = routes.find((r) => r.method === method && r.regex.test(u.pathname));
      if (!route) return [`${method} ${u.pathname}: no such operation in GitHub's REST API description`];
      const op = doc.paths[route.template]![method.toLowerCase()]!;
      const problems: string[] = [];
      const params = ((op['parameters'] as (Parameter | { $ref: string })[] | undefined) ?? [])
        .map((p) => ('$ref' in p ? doc.components.parameters[p.$ref.split('/').pop()!]! : p));
      const values = route.regex.exec(u.pathname)!.slice(1).map(decodeURIComponent);
      route.names.forEach((name, i) => {
        const p = params.find((x) => x.name === name && x.in === 'path');
        const raw = values[i]!;
        const value = p?.schema?.['type'] === 'integer' ? Number(raw) : raw;
        if (p?.schema && !newAjv().validate(p.schema, value)) problems.push(`path parameter ${name}=${raw} does not fit ${JSON.stringify(p.schema)}`);
      });
      for (const [name, raw] of u.searchParams) {
        const p = params.find((x) => x.name === name && x.in === 'query');
        if (!p) {
          problems.push(`query parameter ${name} is not one ${method} ${route.template} takes`);
          continue;
        }
        const type = p.schema?.['type'];
        const value = type === 'integer' || type === 'number' ? Number(raw) : type === 'boolean' ? raw === 'true' : raw;
        if (p.schema && !newAjv().validate(p.schema, value)) problems.push(`query parameter ${name}=${raw} does not fit ${JSON.stringify(p.schema)}`);
      }
      const content = (op['requestBody'] as { required?: boolean; content?: Record<string, unknown> } | undefined);
      if (content?.content?.['application/json']) {
        if (body === undefined) {
          if (content.required) problems.push(`${method} ${route.template} needs a JSON body`);
        } else {
          const v = validator(`rest#/${pointer('paths', route.template, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`);
          if (!v(body)) problems.push(`${method} ${route.template} body: ${describeErrors(v)}`);
        }
      }
      return problems;
    },
  };
  return restJudge;
};

let webhookDoc: { ajv: Ajv; doc: { webhooks: Record<string, Json> } } | undefined;

/**
 * Problems GitHub's webhook description finds in a payload of event `event` (`X-GitHub-Event`)
 * and its `action`: the operation is `{event}-{action}` (or `{event}` for events without one).
 */
export const webhookPayloadProblems = (event: string, payload: Json): string[] => {
  if (!webhookDoc) {
    const doc = JSON.parse(readFileSync(generated('@octokit/openapi-webhooks'), 'utf8')) as { webhooks: Record<string, Json> };
    const ajv = newAjv();
    ajv.addSchema(doc as unknown as Json, 'hooks');
    webhookDoc = { ajv, doc };
  }
  const action = typeof payload['action'] === 'string' ? payload['action'] : undefined;
  // The description names them `check-run-requested-action`: dashes for the underscores.
  const dashed = (x: string) => x.replace(/_/g, '-');
  const name = [dashed(`${event}-${action}`), dashed(event)].find((n) => webhookDoc!.doc.webhooks[n] !== undefined);
  if (!name) return [`no webhook ${event}${action ? ` (${action})` : ''} in GitHub's webhook description`];
  const v = webhookDoc.ajv.compile({ $ref: `hooks#/${pointer('webhooks', name, 'post', 'requestBody', 'content', 'application/json', 'schema')}` });
  return v(payload) ? [] : [`${name} payload: ${describeErrors(v)}`];
};
