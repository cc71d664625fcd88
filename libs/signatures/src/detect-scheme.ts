import type { HeaderBag, SignatureScheme } from './signature.types';

const STANDARD_WEBHOOKS_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-id', 'svix-timestamp', 'svix-signature'];
const STRIPE_HEADERS = ['stripe-signature'];
const GITHUB_HEADERS = ['x-hub-signature-256', 'x-hub-signature'];

/** In precedence order: when a request carries several schemes' headers, the first decides. */
const SCHEMES: ReadonlyArray<readonly [SignatureScheme, readonly string[]]> = [
  ['standard-webhooks', STANDARD_WEBHOOKS_HEADERS],
  ['stripe', STRIPE_HEADERS],
  ['github', GITHUB_HEADERS],
];

/** Which scheme's signature headers are present (any one of them), or undefined. */
export function detectScheme(headers: HeaderBag): SignatureScheme | undefined {
  for (const [scheme, names] of SCHEMES) {
    if (names.some((name) => headers[name] !== undefined)) return scheme;
  }
  return undefined;
}
