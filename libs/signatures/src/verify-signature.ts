import { verifyGithub } from './github.verifier';
import { type HeaderBag, type SignatureScheme, SignatureError, type VerifyInput, type Verified } from './signature.error';
import { verifyStandardWebhook } from './standard-webhooks.verifier';
import { verifyStripe } from './stripe.verifier';

const STANDARD_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-id', 'svix-timestamp', 'svix-signature'];

/** Which scheme's headers a request carries (precedence: Standard Webhooks, Stripe, GitHub). */
export function detectScheme(headers: HeaderBag): SignatureScheme | undefined {
  if (STANDARD_HEADERS.some((name) => headers[name] !== undefined)) return 'standard-webhooks';
  if (headers['stripe-signature'] !== undefined) return 'stripe';
  if (headers['x-hub-signature-256'] !== undefined || headers['x-hub-signature'] !== undefined) return 'github';
  return undefined;
}

const VERIFIERS: Record<SignatureScheme, (input: VerifyInput) => Verified> = {
  'standard-webhooks': verifyStandardWebhook,
  stripe: verifyStripe,
  github: verifyGithub,
};

/** Detects the scheme from the headers and verifies with that scheme's secrets only. */
export function verifySignature(input: VerifyInput): Verified {
  const scheme = detectScheme(input.headers);
  if (!scheme) throw new SignatureError('missing_header', 'No signature headers');
  const secrets = input.secrets.filter((s) => s.scheme === scheme);
  if (secrets.length === 0) throw new SignatureError('no_secret', `No ${scheme} secret configured`);
  return VERIFIERS[scheme]({ ...input, secrets });
}
