import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { type TestSluice, api, pollUntilDone, startTestSluice, waitFor } from '../support/harness';
import { TestTarget } from '../support/target';

// Each sender as it really signs and retries (issue 3), against the running service.
describe('senders', () => {
  let sluice: TestSluice;
  let target: TestTarget;
  let jwks: Server;
  let googleKey: CryptoKey;
  let served: Array<Record<string, unknown>> = [];
  let pid: string;
  let apiKey: string;
  const stripe = new Stripe('sk_test_unused');
  const admin = () => ({ 'X-Process-Manager-Key': sluice.orgKey });

  beforeAll(async () => {
    target = await new TestTarget().start();
    const pair = await generateKeyPair('RS256');
    googleKey = pair.privateKey;
    served = [{ ...(await exportJWK(pair.publicKey)), kid: 'g1', alg: 'RS256', use: 'sig' }];
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    sluice = await startTestSluice('senders', {
      SLUICE_GOOGLE_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`,
    });
    const workflows = ['stripe', 'github', 'clerk', 'pubsub', 'iot'].map((w) => ({ workflowId: w, target: { url: `${target.url}/${w}` } }));
    const created = await api(sluice.url, 'POST', '/v1/instances', { headers: admin(), body: { name: 'senders', workflows } });
    pid = created.body.processInstanceId as string;
    apiKey = created.body.apiKey as string;
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
    jwks.close();
  });

  const addSecret = (wid: string, body: Record<string, unknown>) =>
    api(sluice.url, 'POST', `/v1/instances/${pid}/workflows/${wid}/signing-secrets`, { headers: admin(), body });
  const dispatchedTo = (path: string, executionId: string) =>
    waitFor(async () => target.received.find((r) => r.url === path && r.headers['idempotency-key'] === executionId));

  it('Stripe: verifies stripe-node signatures, dedupes retries of one event, records its type', async () => {
    const secret = 'whsec_' + 'S'.repeat(32);
    expect((await addSecret('stripe', { scheme: 'stripe', secret, label: 'stripe-live' })).status).toBe(201);
    const payload = JSON.stringify({ id: `evt_${Date.now()}`, object: 'event', type: 'checkout.session.completed', data: { object: {} } });
    const send = (timestamp: number, sig?: string) =>
      api(sluice.url, 'POST', `/webhook/${pid}/stripe`, {
        headers: {
          'content-type': 'application/json',
          'stripe-signature': sig ?? stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
        },
        raw: payload,
      });
    const nowSec = Math.floor(Date.now() / 1000);
    const first = await send(nowSec - 60);
    expect(first.status).toBe(202);
    const retry = await send(nowSec);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ executionId: first.body.executionId, duplicate: true });
    const execution = await pollUntilDone(sluice.url, pid, first.body.executionId as string, apiKey);
    expect(execution.source).toMatchObject({ method: 'signature', scheme: 'stripe', provider: 'stripe', eventType: 'checkout.session.completed' });
    expect((await send(nowSec - 400)).body.code).toBe('SIGNATURE_STALE_TIMESTAMP');
    expect((await send(nowSec, 'garbage')).body.code).toBe('SIGNATURE_MALFORMED_HEADER');
    expect((await send(nowSec, stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong', timestamp: nowSec }))).body.code).toBe('SIGNATURE_MISMATCH');
  });

  it('GitHub: verifies octokit signatures, dedupes on X-GitHub-Delivery, records the event', async () => {
    const secret = 'gh-secret-value-1234';
    await addSecret('github', { scheme: 'github', secret });
    const payload = JSON.stringify({ action: 'opened', pull_request: { number: 7 } });
    const headers = {
      'content-type': 'application/json',
      'x-hub-signature-256': await githubSign(secret, payload),
      'x-github-delivery': `d-${Date.now()}`,
      'x-github-event': 'pull_request',
    };
    const first = await api(sluice.url, 'POST', `/webhook/${pid}/github`, { headers, raw: payload });
    expect(first.status).toBe(202);
    const redelivery = await api(sluice.url, 'POST', `/webhook/${pid}/github`, { headers, raw: payload });
    expect(redelivery.body).toMatchObject({ executionId: first.body.executionId, duplicate: true });
    const execution = await pollUntilDone(sluice.url, pid, first.body.executionId as string, apiKey);
    expect(execution.source).toMatchObject({ scheme: 'github', provider: 'github', eventType: 'pull_request', deliveryId: headers['x-github-delivery'] });
    const unprefixed = await api(sluice.url, 'POST', `/webhook/${pid}/github`, {
      headers: { ...headers, 'x-hub-signature-256': headers['x-hub-signature-256'].replace('sha256=', '') },
      raw: payload,
    });
    expect(unprefixed.body.code).toBe('SIGNATURE_MALFORMED_HEADER');
  });

  it('Svix/Clerk: an expired secret stops working while its successor keeps going', async () => {
    const oldSecret = 'whsec_' + Buffer.from('old-old-old-old-old-old-old-old!').toString('base64');
    const newSecret = 'whsec_' + Buffer.from('new-new-new-new-new-new-new-new!').toString('base64');
    const oldInfo = await addSecret('clerk', { secret: oldSecret, label: 'old', expiresAt: new Date(Date.now() + 1500).toISOString() });
    await addSecret('clerk', { secret: newSecret, label: 'new' });
    const send = (secret: string) => {
      const id = `msg_${Math.random().toString(36).slice(2)}`;
      const body = JSON.stringify({ type: 'user.created', data: { id: 'user_1' } });
      const now = new Date();
      return api(sluice.url, 'POST', `/webhook/${pid}/clerk`, {
        headers: {
          'content-type': 'application/json',
          'svix-id': id,
          'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
          'svix-signature': new SvixWebhook(secret).sign(id, now, body),
        },
        raw: body,
      });
    };
    expect((await send(oldSecret)).status).toBe(202);
    const viaNew = await send(newSecret);
    expect(viaNew.status).toBe(202);
    const execution = await pollUntilDone(sluice.url, pid, viaNew.body.executionId as string, apiKey);
    expect(execution.source).toMatchObject({ provider: 'svix', eventType: 'user.created', secretLabel: 'new' });
    await new Promise((r) => setTimeout(r, 1600));
    expect((await send(oldSecret)).body.code).toBe('SIGNATURE_MISMATCH');
    expect((await send(newSecret)).status).toBe(202);
    expect(oldInfo.body).not.toHaveProperty('secret');
  });

  describe('GCP Pub/Sub push', () => {
    const audience = 'https://sluice.example/webhook/pubsub';
    const email = 'push@proj.iam.gserviceaccount.com';
    const envelope = (messageId: string, data: unknown) =>
      JSON.stringify({
        message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes: { device: 'd-9' }, messageId, publishTime: new Date().toISOString() },
        subscription: 'projects/p/subscriptions/s',
        deliveryAttempt: 1,
      });
    const token = (claims: Record<string, unknown> = {}, key: CryptoKey = googleKey, kid = 'g1') =>
      new SignJWT({ email, email_verified: true, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer('https://accounts.google.com')
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);

    beforeAll(async () => {
      expect((await addSecret('pubsub', { scheme: 'gcp-pubsub-oidc', audience, serviceAccountEmail: email })).status).toBe(201);
    });

    it('verifies the OIDC token, dedupes on messageId and dispatches the decoded data with attributes', async () => {
      const body = envelope(`m-${Date.now()}`, { temp: 21.5 });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${await token()}` };
      const first = await api(sluice.url, 'POST', `/webhook/${pid}/pubsub`, { headers, raw: body });
      expect(first.status).toBe(202);
      const redelivery = await api(sluice.url, 'POST', `/webhook/${pid}/pubsub`, { headers, raw: body });
      expect(redelivery.status).toBe(200);
      expect(redelivery.body.executionId).toBe(first.body.executionId);
      const dispatched = await dispatchedTo('/pubsub', first.body.executionId as string);
      expect(dispatched.json).toMatchObject({ data: { temp: 21.5 }, attributes: { device: 'd-9' }, subscription: 'projects/p/subscriptions/s' });
      expect((dispatched.json.executionMetadata as { source: unknown }).source).toMatchObject({ scheme: 'gcp-pubsub-oidc', provider: 'gcp-pubsub' });
    });

    it('refuses tokens for another account, and forged ones, with their codes', async () => {
      const body = envelope('m-x', {});
      const wrong = await api(sluice.url, 'POST', `/webhook/${pid}/pubsub`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token({ email: 'evil@x.iam.gserviceaccount.com' })}` },
        raw: body,
      });
      expect(wrong).toMatchObject({ status: 401, body: { code: 'SIGNATURE_MISMATCH' } });
      const garbage = await api(sluice.url, 'POST', `/webhook/${pid}/pubsub`, {
        headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
        raw: body,
      });
      expect(garbage).toMatchObject({ status: 401, body: { code: 'SIGNATURE_MALFORMED_HEADER' } });
    });

    it("refetches Google's keys when a token names an unknown kid (key rotation)", async () => {
      const rotated = await generateKeyPair('RS256');
      served = [...served, { ...(await exportJWK(rotated.publicKey)), kid: 'g2', alg: 'RS256', use: 'sig' }];
      await new Promise((r) => setTimeout(r, 5100)); // past the refetch cooldown
      const res = await api(sluice.url, 'POST', `/webhook/${pid}/pubsub`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token({}, rotated.privateKey, 'g2')}` },
        raw: envelope(`m-rot-${Date.now()}`, { rotated: true }),
      });
      expect(res.status).toBe(202);
    }, 15_000);

    it('accepts ?api_key= pushes and still dedupes on messageId', async () => {
      const body = envelope(`m-key-${Date.now()}`, 'plain text data');
      const first = await api(sluice.url, 'POST', `/webhook/${pid}/pubsub?api_key=${apiKey}`, { headers: { 'content-type': 'application/json' }, raw: body });
      const again = await api(sluice.url, 'POST', `/webhook/${pid}/pubsub?api_key=${apiKey}`, { headers: { 'content-type': 'application/json' }, raw: body });
      expect(first.status).toBe(202);
      expect(again.body).toMatchObject({ executionId: first.body.executionId, duplicate: true });
    });
  });

  it('IoT: text, form and binary bodies reach the run as their exact bytes', async () => {
    const send = (contentType: string, raw: Buffer | string) =>
      api(sluice.url, 'POST', `/webhook/${pid}/iot?api_key=${apiKey}`, { headers: { 'content-type': contentType }, raw });
    const text = await send('text/plain', 'temp=21.5;hum=40');
    const form = await send('application/x-www-form-urlencoded', 'a=1&b=two');
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
    const binary = await send('application/octet-stream', bytes);
    expect((await dispatchedTo('/iot', text.body.executionId as string)).json).toMatchObject({ contentType: 'text/plain', text: 'temp=21.5;hum=40' });
    expect((await dispatchedTo('/iot', form.body.executionId as string)).json).toMatchObject({ text: 'a=1&b=two' });
    const bin = (await dispatchedTo('/iot', binary.body.executionId as string)).json as { base64: string; contentType: string };
    expect(bin.contentType).toBe('application/octet-stream');
    expect(Buffer.from(bin.base64, 'base64').equals(bytes)).toBe(true);
  });

  it('refuses signature headers of a scheme with no configured secret', async () => {
    const res = await api(sluice.url, 'POST', `/webhook/${pid}/iot`, {
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      raw: '{}',
    });
    expect(res).toMatchObject({ status: 401, body: { code: 'SIGNATURE_NO_SECRET' } });
  });
});
