// Pre-signed Standard Webhooks requests for the load generators: one body, a unique webhook-id
// per request, signed with node:crypto before the load starts (signing is not measured).
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

export const BODY = JSON.stringify({
  type: 'order.paid',
  data: { id: 'ord_1', items: Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${i}`, qty: i, price: 1999 })), note: 'x'.repeat(300) },
});

function sign(key, ts) {
  const id = `msg_${randomBytes(12).toString('hex')}`;
  return { id, sig: createHmac('sha256', key).update(`${id}.${ts}.${BODY}`).digest('base64') };
}

/** Header sets for autocannon, one per request. */
export function signedHeaders(secret, count) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const ts = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: count }, () => {
    const { id, sig } = sign(key, ts);
    return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` };
  });
}

/** The file bench/signed-requests.lua replays: the body, then "id timestamp signature" lines. */
export function writeSignedRequestsFile(path, secret, count) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const ts = String(Math.floor(Date.now() / 1000));
  const lines = [BODY];
  for (let i = 0; i < count; i++) {
    const { id, sig } = sign(key, ts);
    lines.push(`${id} ${ts} ${sig}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
