import { parsePubSubPush, pubSubPayload } from './pubsub-envelope';

const envelope = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ message, subscription: 'projects/p/subscriptions/s', ...extra }));

describe('Pub/Sub push envelopes', () => {
  it('decodes JSON data and keeps attributes and metadata', () => {
    const push = parsePubSubPush(
      envelope(
        { data: Buffer.from('{"temp":21}').toString('base64'), attributes: { device: 'd1' }, messageId: '123', publishTime: '2026-01-01T00:00:00Z' },
        { deliveryAttempt: 2 },
      ),
    );
    expect(push).toEqual({
      messageId: '123',
      data: { temp: 21 },
      attributes: { device: 'd1' },
      publishTime: '2026-01-01T00:00:00Z',
      subscription: 'projects/p/subscriptions/s',
      deliveryAttempt: 2,
    });
    expect(pubSubPayload(push!)).toMatchObject({ data: { temp: 21 }, attributes: { device: 'd1' }, messageId: '123' });
  });

  it('keeps non-JSON data as text, and non-UTF-8 data as base64', () => {
    expect(parsePubSubPush(envelope({ data: Buffer.from('hello').toString('base64'), messageId: '1' }))!.data).toBe('hello');
    const binary = Buffer.from([0xff, 0x00, 0xfe]).toString('base64');
    expect(parsePubSubPush(envelope({ data: binary, messageId: '2' }))!.data).toEqual({ base64: binary });
    expect(parsePubSubPush(envelope({ messageId: '3', attributes: { a: 'b' } }))!.data).toBeNull();
  });

  it('is undefined for bodies that are not push envelopes', () => {
    expect(parsePubSubPush(Buffer.from('{"payload":{}}'))).toBeUndefined();
    expect(parsePubSubPush(Buffer.from('not json'))).toBeUndefined();
    expect(parsePubSubPush(envelope({ data: 'aGk=' }))).toBeUndefined();
  });
});
