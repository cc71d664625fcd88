import { randomBytes } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '@sluice/config';
import { ERROR_CATALOGUE, type ErrorCode } from '@sluice/errors';
import { TRIGGER_PATHS, createApp } from '@sluice/ingress';
import { createLogger } from '@sluice/observability';
import { DISPATCH_QUEUE, ExecutionStore } from '@sluice/queue';
import { createRegistry } from '@sluice/registry';
import { openApiDocument } from '../../apps/ingress/src/openapi/openapi.document';
import type { HeaderObject, OperationObject, ParameterObject, Reference, ResponseObject } from '../../apps/ingress/src/openapi/openapi.types';
import { type TestSluice, api, pollUntilDone, startTestSluice, waitFor } from '../support/harness';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';
import { TestTarget } from '../support/target';

// The OpenAPI document against the running service: every route is documented and every
// documented route exists (read from Express's own router), real answers validate against the
// documented schemas, and the document is structurally a valid OpenAPI 3.1 description.

const doc = openApiDocument;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
// Express route params → the document's names; an unknown param name fails the test.
const PARAM_NAMES: Record<string, string> = {
  pid: 'processInstanceId',
  wid: 'workflowId',
  eid: 'executionId',
  sid: 'secretId',
  keyId: 'keyId',
};

function operations(): Array<{ key: string; path: string; method: string; op: OperationObject }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ key: `${method.toUpperCase()} ${path}`, path, method, op: item[method] }] : [])),
  );
}

function resolve<T>(value: T | Reference): T {
  if (value && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string') return pointer(value.$ref) as T;
  return value as T;
}

/** Resolves a local `#/…` JSON pointer in the document, or undefined. */
function pointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/** Every `$ref` value anywhere under `node`. */
function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

// ---- Express's router, read directly (router@2): a route layer has route.path and route.methods;
// a mounted router's handle has its own stack; a mounted sub-app is a layer named mounted_app.
interface LayerLike {
  name: string;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: LayerLike[] };
  rawPath?: unknown;
}

function appRoutes(stack: LayerLike[]): { routes: string[]; mounts: string[] } {
  const routes: string[] = [];
  const mounts: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        const templated = path.replace(/:(\w+)/g, (_m, name: string) => {
          const mapped = PARAM_NAMES[name];
          if (!mapped) throw new Error(`route param :${name} in ${path} has no name mapping in this test`);
          return `{${mapped}}`;
        });
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${templated}`);
      }
    } else if (Array.isArray(layer.handle.stack) || layer.name === 'mounted_app') {
      if (layer.rawPath === '/' && layer.handle.stack) {
        const inner = appRoutes(layer.handle.stack);
        routes.push(...inner.routes);
        mounts.push(...inner.mounts);
      } else {
        mounts.push(String(layer.rawPath));
      }
    }
  }
  return { routes, mounts };
}

// ---- ajv over the document's schemas.
const DOC_ID = 'https://sluice.invalid/openapi.json';

/**
 * Closes every object schema that lists its properties (unevaluatedProperties: false), so a
 * sample with a field the document does not name fails. The served document stays open:
 * clients are told to ignore unknown fields.
 */
function closed<T>(node: T): T {
  if (Array.isArray(node)) return node.map(closed) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closed(v);
  if (out.type === 'object' && out.properties && typeof out.properties === 'object' && !('additionalProperties' in out)) {
    out.unevaluatedProperties = false;
  }
  return out as T;
}

const absolute = <T>(schema: T): T => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`)) as T;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: DOC_ID, components: { schemas: closed(doc.components.schemas) } });
const validators = new Map<string, ValidateFunction>();

function responseOf(op: OperationObject, status: number): ResponseObject | undefined {
  const response = op.responses[String(status)];
  return response ? resolve<ResponseObject>(response) : undefined;
}

function findOperation(method: string, url: string): { key: string; op: OperationObject } {
  const path = new URL(url, 'http://x').pathname;
  const matches = operations().filter(
    (o) => o.method === method.toLowerCase() && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  if (matches.length !== 1) throw new Error(`${method} ${path} matches ${matches.length} documented operations`);
  return matches[0]!;
}

/** Which documented (operation, status) pairs a real answer was checked against. */
const sampled = new Set<string>();

/**
 * A real request whose answer must be documented: its status among the operation's responses,
 * its content type among the response's media types, its body valid against the schema, its
 * required headers present.
 */
async function call(method: string, url: string, options: Parameters<typeof api>[3] = {}) {
  const { key, op } = findOperation(method, url);
  const res = await api(sluice.url, method, url, options);
  const response = responseOf(op, res.status);
  if (!response) throw new Error(`${key} answered ${res.status}, which is not documented: ${JSON.stringify(res.body)}`);
  const contentType = res.headers.get('content-type')?.split(';')[0];
  const media = Object.keys(response.content ?? {});
  if (media.length === 0) expect(res.headers.get('content-length') ?? '0').toBe('0');
  else expect(media).toContain(contentType);
  const schema = response.content?.['application/json']?.schema;
  if (contentType === 'application/json' && schema) {
    const cacheKey = `${key} ${res.status}`;
    let validate = validators.get(cacheKey);
    if (!validate) validators.set(cacheKey, (validate = ajv.compile(absolute(closed(schema)))));
    const valid = validate(res.body);
    expect({ sample: `${key} ${res.status}`, errors: valid ? null : validate.errors, body: valid ? null : res.body }).toEqual({
      sample: `${key} ${res.status}`,
      errors: null,
      body: null,
    });
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (resolve<HeaderObject>(header).required) expect({ header: name, value: res.headers.get(name) }).toEqual({ header: name, value: expect.any(String) });
  }
  sampled.add(`${key} ${res.status}`);
  return res;
}

let sluice: TestSluice;

describe('OpenAPI document', () => {
  let target: TestTarget;
  let pid = '';
  let apiKey = '';
  const org = () => ({ 'X-Process-Manager-Key': sluice.orgKey });
  const key = () => ({ 'X-API-Key': apiKey });

  beforeAll(async () => {
    target = await new TestTarget().start();
    target.responder = (req) => (req.url.startsWith('/fail') ? { status: 400, body: { error: 'refused' } } : { status: 200, body: { ok: true } });
    sluice = await startTestSluice('openapi');
  });

  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  describe('matches the routes Express registers', () => {
    const prefix = uniquePrefix('openapi-routes');
    let redis: Redis;
    let queue: Queue;

    beforeAll(() => {
      redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
      queue = new Queue(DISPATCH_QUEUE, { connection: redis, prefix: `${prefix}:bull` });
    });
    afterAll(async () => {
      await queue.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });

    function registered() {
      const encryptionKey = randomBytes(32);
      const config = loadConfig({ REDIS_URL: testRedisUrl(), SLUICE_REDIS_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'silent' });
      const { app } = createApp({
        config,
        logger: createLogger({ level: 'silent' }),
        redis,
        registry: createRegistry({ redis, prefix, encryptionKey }),
        queue,
        executions: new ExecutionStore(redis, prefix, config.executionTtlSec),
        executionSecretKey: encryptionKey,
      });
      const express = appRoutes((app as unknown as { router: { stack: LayerLike[] } }).router.stack);
      // The trigger route runs beside Express on its lean path (issue 5).
      const lean = appRoutes([{ name: 'trigger', route: { path: TRIGGER_PATHS, methods: { post: true } }, handle: {} }]);
      return { routes: [...lean.routes, ...express.routes], mounts: express.mounts };
    }

    it('documents every route with its method, and nothing else', () => {
      const { routes, mounts } = registered();
      const documented = operations().map((o) => o.key);
      // A mounted third-party app (the bull-board dashboard) is documented by its entry page only.
      expect(mounts).toEqual(['/admin/queues']);
      const entries = documented.filter((k) => mounts.some((m) => k.endsWith(` ${m}`)));
      expect(entries).toEqual(['GET /admin/queues']);
      expect([...new Set(routes)].sort()).toEqual(documented.filter((k) => !entries.includes(k)).sort());
      expect(routes.length).toBe(new Set(routes).size);
    });
  });

  describe('is a structurally valid OpenAPI 3.1 document', () => {
    it('has the required top-level fields and unique operation ids', () => {
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info).toEqual(expect.objectContaining({ title: 'Sluice', version: expect.stringMatching(/^\d+\.\d+\.\d+/) }));
      const ids = operations().map((o) => o.op.operationId);
      expect(new Set(ids).size).toBe(ids.length);
      const tags = new Set((doc.tags ?? []).map((t) => t.name));
      for (const { key: k, op } of operations()) {
        expect({ k, responses: Object.keys(op.responses).length > 0 }).toEqual({ k, responses: true });
        for (const tag of op.tags) expect({ k, tag, known: tags.has(tag) }).toEqual({ k, tag, known: true });
        for (const requirement of op.security) {
          for (const scheme of Object.keys(requirement)) expect(Object.keys(doc.components.securitySchemes)).toContain(scheme);
        }
      }
    });

    it('resolves every $ref', () => {
      const refs = refsIn(doc);
      expect(refs.length).toBeGreaterThan(50);
      expect(refs.filter((ref) => pointer(ref) === undefined)).toEqual([]);
    });

    it('declares exactly the path parameters each path template has', () => {
      for (const { key: k, path, op } of operations()) {
        const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters ?? []).map((p) => resolve<ParameterObject>(p)).filter((p) => p.in === 'path');
        expect({ k, params: declared.map((p) => p.name) }).toEqual({ k, params: inTemplate });
        for (const p of declared) expect(p.required).toBe(true);
      }
    });

    it('has schemas that are valid JSON Schema 2020-12', () => {
      const schemas = [
        ...Object.values(doc.components.schemas),
        ...operations().flatMap(({ op }) => [
          ...Object.values(op.requestBody?.content ?? {}).map((m) => m.schema),
          ...Object.values(op.responses).flatMap((r) => Object.values(resolve<ResponseObject>(r).content ?? {}).map((m) => m.schema)),
        ]),
      ].filter((s) => s !== undefined);
      for (const schema of schemas) {
        expect(ajv.validateSchema(absolute(schema))).toBe(true);
        ajv.compile(absolute(schema));
      }
    });

    it('builds the error code enum from ERROR_CATALOGUE and puts each code under its status', () => {
      expect(doc.components.schemas.ErrorCode?.enum).toEqual(Object.keys(ERROR_CATALOGUE));
      for (const { key: k, op } of operations()) {
        for (const [status, raw] of Object.entries(op.responses)) {
          const schema = resolve<ResponseObject>(raw).content?.['application/json']?.schema;
          const codes = schema?.allOf?.[1]?.properties?.code?.enum as ErrorCode[] | undefined;
          if (Number(status) < 400 || !codes) continue;
          for (const code of codes) expect({ k, code, status: ERROR_CATALOGUE[code].status }).toEqual({ k, code, status: Number(status) });
          if (status === '429' || status === '503') expect(Object.keys(resolve<ResponseObject>(raw).headers ?? {})).toContain('Retry-After');
        }
      }
    });

    it('is what GET /openapi.json serves', async () => {
      const res = await call('GET', '/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(JSON.parse(JSON.stringify(doc)));
    });
  });

  describe('describes real answers', () => {
    it('admin: instances, workflows and signing secrets', async () => {
      const created = await call('POST', '/v1/instances', {
        headers: org(),
        body: {
          name: 'openapi',
          workflows: [
            { workflowId: 'hello', target: { url: `${target.url}/hook`, headers: { 'x-token': 't' }, timeoutMs: 5000 } },
            { workflowId: 'cb', target: { url: `${target.url}/cb` }, resultMode: 'callback' },
            { workflowId: 'broken', target: { url: `${target.url}/fail` } },
            { workflowId: 'typed', target: { url: `${target.url}/typed` }, inputSchema: { type: 'object', required: ['email'] } },
          ],
        },
      });
      expect(created.status).toBe(201);
      ({ processInstanceId: pid, apiKey } = created.body as { processInstanceId: string; apiKey: string });

      expect((await call('POST', '/v1/instances', { headers: org(), body: { workflows: 'nope' } })).body.code).toBe('INVALID_REQUEST');
      expect((await call('POST', '/v1/instances', { headers: { ...org(), 'content-type': 'text/plain' }, raw: 'x' })).status).toBe(415);
      expect((await call('POST', '/v1/instances', { headers: { ...org(), 'content-type': 'application/json' }, raw: '{"broken' })).status).toBe(400);
      expect((await call('GET', '/v1/instances')).body.code).toBe('MISSING_CREDENTIALS');
      expect((await call('GET', '/v1/instances', { headers: org() })).status).toBe(200);
      expect((await call('GET', `/v1/instances/${pid}`, { headers: org() })).status).toBe(200);
      expect((await call('GET', '/v1/instances/pi_nope', { headers: org() })).body.code).toBe('INSTANCE_NOT_FOUND');
      expect((await call('PATCH', `/v1/instances/${pid}`, { headers: org(), body: { name: 'renamed' } })).status).toBe(200);

      const wf = `/v1/instances/${pid}/workflows/extra`;
      expect((await call('PUT', wf, { headers: org(), body: { target: { url: `${target.url}/x` } } })).status).toBe(200);
      expect((await call('DELETE', wf, { headers: org() })).status).toBe(200);
      expect((await call('DELETE', wf, { headers: org() })).body.code).toBe('WORKFLOW_NOT_FOUND');

      const secrets = `/v1/instances/${pid}/workflows/hello/signing-secrets`;
      const whsec = `whsec_${randomBytes(24).toString('base64')}`;
      const added = await call('POST', secrets, { headers: org(), body: { secret: whsec, label: 'svix' } });
      expect(added.status).toBe(201);
      const oidc = await call('POST', secrets, {
        headers: org(),
        body: { scheme: 'gcp-pubsub-oidc', audience: 'https://sluice.example/push', serviceAccountEmail: 'push@p.iam.gserviceaccount.com' },
      });
      expect(oidc.status).toBe(201);
      expect((await call('GET', secrets, { headers: org() })).body.secrets).toHaveLength(2);
      expect((await call('DELETE', `${secrets}/${oidc.body.secretId as string}`, { headers: org() })).status).toBe(200);
      expect((await call('DELETE', `${secrets}/sec_gone`, { headers: org() })).body.code).toBe('SIGNING_SECRET_NOT_FOUND');
      expect((await call('GET', `/v1/instances/${pid}/workflows/nope/signing-secrets`, { headers: org() })).status).toBe(404);
    });

    /** A callback-mode run, seen pending while queued and once dispatched; its callback credentials. */
    async function callbackRun(): Promise<{ executionId: string; executionSecret: string }> {
      const cb = await call('POST', `/webhook/${pid}/cb`, { headers: key(), body: { payload: { q: 1 } } });
      const executionId = cb.body.executionId as string;
      expect((await call('GET', `/status/${pid}/${executionId}`, { headers: key() })).body.execution.status).toBe('pending');
      const dispatched = await waitFor(async () =>
        target.received.find((r) => (r.json.executionMetadata as { executionId?: string } | undefined)?.executionId === executionId),
      );
      await waitFor(async () => {
        const res = await call('GET', `/status/${pid}/${executionId}`, { headers: key() });
        return res.body.execution.startedAt ? res : undefined;
      });
      expect((await call('GET', `/status/${pid}/${executionId}`, { headers: key() })).body.execution.status).toBe('pending');
      return { executionId, executionSecret: (dispatched.json.executionMetadata as { executionSecret: string }).executionSecret };
    }

    it('trigger, duplicate, status and callbacks', async () => {
      const idem = { ...key(), 'Idempotency-Key': `openapi-${Date.now()}` };
      const first = await call('POST', `/webhook/${pid}/hello`, { headers: idem, body: { payload: { n: 1 } } });
      expect(first.status).toBe(202);
      const again = await call('POST', `/webhook/${pid}/hello`, { headers: idem, body: { payload: { n: 1 } } });
      expect(again.body).toMatchObject({ duplicate: true, executionId: first.body.executionId });
      expect(again.status).toBe(200);
      const done = first.body.executionId as string;
      await pollUntilDone(sluice.url, pid, done, apiKey);
      expect((await call('GET', `/status/${pid}/${done}`, { headers: key() })).body.execution.status).toBe('success');

      // The Codika CLI aliases, with ?api_key=.
      expect((await call('POST', `/triggerwebhookpublic/${pid}/hello?api_key=${apiKey}`, { body: {} })).status).toBe(202);
      expect((await call('POST', `/triggerWebhookPublic/${pid}/hello?api_key=${apiKey}`, { body: {} })).status).toBe(202);
      expect((await call('GET', `/getexecutionstatuspublic/${pid}/${done}?api_key=${apiKey}`)).status).toBe(200);
      expect((await call('GET', `/getExecutionStatusPublic/${pid}/${done}?api_key=${apiKey}`)).status).toBe(200);

      // Callback mode: pending as queued, pending once dispatched, success after the callback.
      const { executionId: eid, executionSecret } = await callbackRun();
      const wrong = await call('POST', '/submitWorkflowResult', { body: { executionId: eid, executionSecret: 'exs_wrong', resultData: {} } });
      expect(wrong.body.code).toBe('INVALID_EXECUTION_SECRET');
      expect((await call('POST', '/submitWorkflowResult', { body: { executionId: eid, executionSecret, resultData: { a: 1 } } })).status).toBe(200);
      expect((await call('GET', `/status/${pid}/${eid}`, { headers: key() })).body.execution).toMatchObject({ status: 'success', resultData: { a: 1 } });
      const late = await call('POST', '/submitWorkflowError', { body: { executionId: eid, executionSecret, error: { message: 'late' } } });
      expect(late.status).toBe(409);
      expect((await call('POST', '/submitWorkflowError', { body: { executionId: 'x' } })).body.code).toBe('INVALID_REQUEST');
      const reported = await callbackRun();
      const failure = { message: 'node broke', type: 'node_failure', failedNodeName: 'HTTP' };
      expect((await call('POST', '/submitWorkflowError', { body: { ...reported, error: failure } })).status).toBe(200);
      const errored = await call('GET', `/status/${pid}/${reported.executionId}`, { headers: key() });
      expect(errored.body.execution).toMatchObject({ status: 'failed', errorDetails: failure });

      // A run the target refuses (400) fails at once, with errorDetails.
      const broken = await call('POST', `/webhook/${pid}/broken`, { headers: key(), body: {} });
      await pollUntilDone(sluice.url, pid, broken.body.executionId as string, apiKey);
      const failed = await call('GET', `/status/${pid}/${broken.body.executionId as string}`, { headers: key() });
      expect(failed.body.execution).toMatchObject({ status: 'failed', errorDetails: { type: expect.any(String) } });
    });

    it('trigger and status errors', async () => {
      expect((await call('POST', `/webhook/${pid}/hello`, { body: {} })).body.code).toBe('MISSING_CREDENTIALS');
      expect((await call('POST', `/webhook/pi_unknown/hello`, { headers: key(), body: {} })).body.code).toBe('INSTANCE_NOT_FOUND');
      expect((await call('POST', `/webhook/${pid}/nope`, { headers: key(), body: {} })).body.code).toBe('WORKFLOW_NOT_FOUND');
      const invalid = await call('POST', `/webhook/${pid}/typed`, { headers: key(), body: { payload: { name: 'x' } } });
      expect(invalid.body).toMatchObject({ code: 'VALIDATION_ERROR', details: [expect.objectContaining({ path: '/' })] });
      const unsigned = await call('POST', `/webhook/${pid}/hello`, { headers: { 'webhook-id': 'msg_1' }, body: {} });
      expect(unsigned.body).toMatchObject({ code: expect.stringMatching(/^SIGNATURE_/), reason: expect.any(String) });
      expect((await call('POST', `/webhook/${pid}/hello?api_key=${sluice.orgKey}`, { body: {} })).status).toBe(400);
      expect((await call('GET', `/status/${pid}/exec_unknown`, { headers: key() })).body.code).toBe('EXECUTION_NOT_FOUND');
      expect((await call('GET', `/status/${pid}/exec_unknown`)).status).toBe(401);
      expect((await call('GET', `/status/${pid}/exec_unknown`, { headers: { 'X-API-Key': `ck_${'x'.repeat(43)}` } })).body.code).toBe('INVALID_API_KEY');

      await call('PATCH', `/v1/instances/${pid}`, { headers: org(), body: { active: false } });
      expect((await call('POST', `/webhook/${pid}/hello`, { headers: key(), body: {} })).status).toBe(412);
      await call('PATCH', `/v1/instances/${pid}`, { headers: org(), body: { active: true } });
    });

    it('executions: list, get, replay', async () => {
      const base = `/v1/instances/${pid}/executions`;
      const list = await call('GET', `${base}?limit=2`, { headers: org() });
      expect(list.body.executions).toHaveLength(2);
      expect(list.body.nextBefore).toEqual(expect.any(Number));
      const failed = await call('GET', `${base}?status=failed&workflowId=broken`, { headers: org() });
      const eid = failed.body.executions[0].executionId as string;
      expect((await call('GET', `${base}/${eid}`, { headers: org() })).body.execution.attemptLog.length).toBeGreaterThan(0);
      expect((await call('GET', `${base}/exec_unknown`, { headers: org() })).status).toBe(404);
      expect((await call('GET', `${base}?limit=0`, { headers: org() })).body.code).toBe('INVALID_REQUEST');
      expect((await call('POST', `${base}/${eid}/replay`, { headers: org() })).body).toMatchObject({ replayOf: eid });
      const replayFailed = await call('POST', `/v1/instances/${pid}/workflows/broken/executions/replay-failed`, { headers: org() });
      expect(replayFailed.status).toBe(202);
    });

    it('org keys, scopes, key regeneration and instance deletion', async () => {
      const created = await call('POST', '/v1/org-keys', { headers: org(), body: { name: 'reader', scopes: ['instances:read'] } });
      expect(created.status).toBe(201);
      const reader = { 'X-Process-Manager-Key': created.body.apiKey as string };
      expect((await call('GET', '/v1/org-keys', { headers: org() })).body.keys.length).toBeGreaterThanOrEqual(2);
      const keyPath = `/v1/org-keys/${created.body.keyId as string}`;
      expect((await call('PATCH', keyPath, { headers: org(), body: { name: 'still-reader', expiresAt: null } })).status).toBe(200);
      const forbidden = await call('POST', '/v1/instances', { headers: reader, body: { name: 'no' } });
      expect(forbidden.body).toMatchObject({ code: 'MISSING_SCOPE', requiredScope: 'instances:manage' });
      expect((await call('POST', '/v1/org-keys', { headers: org(), body: { name: 'x', scopes: ['nope'] } })).status).toBe(400);
      expect((await call('DELETE', keyPath, { headers: org() })).body.key.revokedAt).toEqual(expect.any(String));
      expect((await call('GET', '/v1/instances', { headers: reader })).body.code).toBe('ORG_KEY_REVOKED');
      expect((await call('PATCH', '/v1/org-keys/key_gone', { headers: org(), body: { name: 'x' } })).status).toBe(404);
      expect((await call('DELETE', '/v1/org-keys/key_gone', { headers: org() })).status).toBe(404);

      const regenerated = await call('POST', `/v1/instances/${pid}/api-key/regenerate`, { headers: org() });
      expect(regenerated.body.apiKey).toMatch(/^ck_/);
      expect((await call('POST', `/webhook/${pid}/hello`, { headers: key(), body: {} })).body.code).toBe('INVALID_API_KEY');
      expect((await call('DELETE', `/v1/instances/${pid}`, { headers: org() })).status).toBe(200);
    });

    it('ops endpoints and the dashboard entry', async () => {
      expect((await call('GET', '/healthz')).body).toEqual({ status: 'ok' });
      expect((await call('GET', '/readyz')).body).toEqual({ status: 'ready' });
      expect((await call('GET', '/metrics')).status).toBe(200);
      expect((await call('GET', '/admin/queues')).status).toBe(401);
      expect((await call('GET', '/admin/queues', { headers: org() })).status).toBe(200);
    });

    it('ROUTE_NOT_FOUND answers are ErrorBody too', async () => {
      const res = await api(sluice.url, 'DELETE', '/healthz');
      expect(res.status).toBe(404);
      const validate = ajv.getSchema(`${DOC_ID}#/components/schemas/ErrorBody`)!;
      expect(validate(res.body)).toBe(true);
      expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    });

    it('sampled a success answer of every documented operation', () => {
      const missing = operations()
        .filter(({ key: k, op }) => !Object.keys(op.responses).some((s) => Number(s) < 300 && sampled.has(`${k} ${s}`)))
        .map((o) => o.key);
      expect(missing).toEqual([]);
    });
  });
});
