import { type HeaderBag, type SignatureScheme, detectScheme } from './index';

describe('detectScheme', () => {
  it.each<[string, HeaderBag, SignatureScheme | undefined]>([
    ['webhook-id alone', { 'webhook-id': 'x' }, 'standard-webhooks'],
    ['webhook-timestamp alone', { 'webhook-timestamp': '1' }, 'standard-webhooks'],
    ['webhook-signature alone', { 'webhook-signature': 'v1,x' }, 'standard-webhooks'],
    ['svix-id alone', { 'svix-id': 'x' }, 'standard-webhooks'],
    ['svix-timestamp alone', { 'svix-timestamp': '1' }, 'standard-webhooks'],
    ['svix-signature alone', { 'svix-signature': 'v1,x' }, 'standard-webhooks'],
    ['stripe-signature', { 'stripe-signature': 't=1,v1=00' }, 'stripe'],
    ['x-hub-signature-256', { 'x-hub-signature-256': 'sha256=00' }, 'github'],
    ['legacy x-hub-signature', { 'x-hub-signature': 'sha1=00' }, 'github'],
    ['an empty but present header', { 'stripe-signature': '' }, 'stripe'],
    ['a repeated header', { 'webhook-signature': ['v1,a', 'v1,b'] }, 'standard-webhooks'],
    ['standard-webhooks before stripe', { 'stripe-signature': 'x', 'svix-id': 'x' }, 'standard-webhooks'],
    ['standard-webhooks before github', { 'x-hub-signature-256': 'x', 'webhook-id': 'x' }, 'standard-webhooks'],
    ['stripe before github', { 'x-hub-signature-256': 'x', 'stripe-signature': 'x' }, 'stripe'],
    ['only delivery and event headers', { 'x-github-delivery': 'd', 'x-github-event': 'ping' }, undefined],
    ['an API key and content type', { 'content-type': 'application/json', 'x-api-key': 'ck_x' }, undefined],
    ['a bearer token (Pub/Sub is not one of these schemes)', { authorization: 'Bearer a.b.c' }, undefined],
    ['an explicitly undefined header', { 'webhook-id': undefined }, undefined],
    ['no headers', {}, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(detectScheme(headers)).toBe(expected);
  });
});
