import { request } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { Webhook } from 'standardwebhooks';
import { type TestSluice, api, startTestSluice } from '../support/harness';

// The trigger route runs on node:http beside Express (issue 5). It must read bodies and
// answer exactly as the Express routes did: encodings, limits, paths, headers, error bodies.
describe('trigger route over HTTP', () => {
  let sluice: TestSluice;
  let pid: string;
  let apiKey: string;
  const secret = `whsec_${Buffer.from('trigger-http-secret-of-32-bytes!').toString('base64')}`;

  beforeAll(async () => {
    sluice = await startTestSluice('trigger-http', { SLUICE_BODY_LIMIT_BYTES: '4096' });
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 'h', workflows: [{ workflowId: 'w', target: { url: 'http://127.0.0.1:9/unused' } }] },
    });
    ({ processInstanceId: pid, apiKey } = created.body as { processInstanceId: string; apiKey: string });
    await api(sluice.url, 'POST', `/v1/instances/${pid}/workflows/w/signing-secrets`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { secret },
    });
  });

  afterAll(async () => {
    await sluice.stop();
  });

  const post = (path: string, headers: Record<string, string>, body?: Buffer | string) =>
    fetch(`${sluice.url}${path}`, { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('verifies a signature over the decoded bytes of a %s body', async (encoding, compress) => {
    const payload = JSON.stringify({ type: 'order.paid', n: encoding });
    const id = `msg_${encoding}`;
    const signed = new Webhook(secret).sign(id, new Date(), payload);
    const res = await post(`/webhook/${pid}/w`, {
      'content-type': 'application/json',
      'content-encoding': encoding,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': signed,
    }, compress(Buffer.from(payload)));
    expect(res.status).toBe(202);
  });

  it('refuses an unknown content encoding with 415', async () => {
    const res = await post(`/webhook/${pid}/w`, { 'X-API-Key': apiKey, 'content-encoding': 'compress' }, 'x');
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('applies the body limit after decoding, so a small gzip bomb is 413', async () => {
    const bomb = gzipSync(Buffer.alloc(1_000_000, 0x20));
    expect(bomb.length).toBeLessThan(4096);
    const res = await post(`/webhook/${pid}/w`, { 'X-API-Key': apiKey, 'content-type': 'application/json', 'content-encoding': 'gzip' }, bomb);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a declared length over the limit before reading it', async () => {
    const res = await post(`/webhook/${pid}/w`, { 'X-API-Key': apiKey, 'content-type': 'application/json' }, JSON.stringify({ x: 'y'.repeat(5000) }));
    expect(res.status).toBe(413);
  });

  it('accepts a trailing slash and the Codika aliases; other methods are 404 as before', async () => {
    for (const path of [`/webhook/${pid}/w/`, `/triggerwebhookpublic/${pid}/w`, `/triggerWebhookPublic/${pid}/w`]) {
      expect((await post(path, { 'X-API-Key': apiKey, 'content-type': 'application/json' }, '{}')).status).toBe(202);
    }
    const get = await fetch(`${sluice.url}/webhook/${pid}/w`, { headers: { 'X-API-Key': apiKey } });
    expect(get.status).toBe(404);
    expect(((await get.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    expect((await post(`/WEBHOOK/${pid}/w`, { 'X-API-Key': apiKey }, '{}')).status).toBe(404);
  });

  it('routes an absolute-form request target (as some proxies send) like its path', async () => {
    const { port } = new URL(sluice.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: `${sluice.url}/webhook/${pid}/w`, headers: { 'X-API-Key': apiKey, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(202);
  });

  it('accepts an empty body as an empty payload', async () => {
    expect((await post(`/webhook/${pid}/w`, { 'X-API-Key': apiKey })).status).toBe(202);
  });

  it('refuses api_key sent twice in the query', async () => {
    const res = await post(`/webhook/${pid}/w?api_key=${apiKey}&api_key=${apiKey}`, { 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('INVALID_REQUEST');
  });

  it('echoes the X-Request-Id of an answer in its error body, and answers JSON', async () => {
    const res = await post(`/webhook/${pid}/w`, { 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ success: false, code: 'MISSING_CREDENTIALS', requestId: res.headers.get('x-request-id') });
  });

  it('answers 400 INVALID_JSON for a JSON body that does not parse, and logs the refusal with a redacted URL', async () => {
    const res = await post(`/webhook/${pid}/w?api_key=${apiKey}`, { 'content-type': 'application/json' }, '{"broken":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('INVALID_JSON');
    const line = sluice.logs.find((l) => l.includes('"status":400') && l.includes('"msg":"request"'));
    expect(line).toContain('api_key=[REDACTED]');
    expect(sluice.logs.join('')).not.toContain(apiKey);
  });
});
