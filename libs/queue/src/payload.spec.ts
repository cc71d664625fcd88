import { decodeReceivedBody, encodeReceivedBody } from './dispatch-job.schema';
import { derivePayload } from './payload';
import { dedupeIdFor } from './dedupe-id';

const body = (raw: string | Buffer, contentType?: string) =>
  encodeReceivedBody(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'), contentType);

describe('received bodies', () => {
  it('keep the exact bytes: utf8 text as text, anything else as base64', () => {
    const text = body('{"a":"é"}', 'application/json');
    expect(text.encoding).toBe('utf8');
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const stored = body(binary, 'application/octet-stream');
    expect(stored.encoding).toBe('base64');
    expect(decodeReceivedBody(stored).equals(binary)).toBe(true);
    expect(decodeReceivedBody(text).equals(Buffer.from('{"a":"é"}'))).toBe(true);
  });
});

describe('derivePayload (Codika rules)', () => {
  it('takes body.payload when the JSON body has one', () => {
    expect(derivePayload(body('{"payload":{"x":1},"other":2}', 'application/json'))).toEqual({ ok: true, payload: { x: 1 } });
    expect(derivePayload(body('{"payload":[1]}', 'application/json'))).toEqual({ ok: true, payload: [1] });
  });
  it('takes the whole JSON body otherwise, including +json types', () => {
    expect(derivePayload(body('{"x":1}', 'application/json; charset=utf-8'))).toEqual({ ok: true, payload: { x: 1 } });
    expect(derivePayload(body('{"x":1}', 'application/cloudevents+json'))).toEqual({ ok: true, payload: { x: 1 } });
    expect(derivePayload(body('"str"', 'application/json'))).toEqual({ ok: true, payload: 'str' });
  });
  it('reports invalid JSON', () => {
    expect(derivePayload(body('{nope', 'application/json'))).toEqual({ ok: false, reason: 'invalid_json' });
  });
  it('wraps text and form bodies with their content type', () => {
    expect(derivePayload(body('a=1&b=2', 'application/x-www-form-urlencoded'))).toEqual({
      ok: true,
      payload: { contentType: 'application/x-www-form-urlencoded', text: 'a=1&b=2' },
    });
    expect(derivePayload(body('t=21', 'text/plain'))).toEqual({ ok: true, payload: { contentType: 'text/plain', text: 't=21' } });
  });
  it('wraps binary bodies as base64', () => {
    const raw = Buffer.from([1, 2, 3, 250]);
    expect(derivePayload(body(raw, 'application/octet-stream'))).toEqual({
      ok: true,
      payload: { contentType: 'application/octet-stream', base64: raw.toString('base64') },
    });
  });
  it('makes an empty body an empty object', () => {
    expect(derivePayload(body('', 'application/json'))).toEqual({ ok: true, payload: {} });
  });
});

describe('dedupeIdFor', () => {
  it('scopes delivery ids per endpoint and yields a safe fixed-size id', () => {
    const a = dedupeIdFor('pi_1', 'w', 'msg:1');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(dedupeIdFor('pi_1', 'w', 'msg:1')).toBe(a);
    expect(dedupeIdFor('pi_2', 'w', 'msg:1')).not.toBe(a);
    expect(dedupeIdFor('pi_1', 'w2', 'msg:1')).not.toBe(a);
    // No ambiguity from concatenation.
    expect(dedupeIdFor('pi_1', 'w\nx', 'y')).not.toBe(dedupeIdFor('pi_1', 'w', 'x\ny'));
  });
});
