import { detectScheme } from './detect-scheme';
import { verifyGithub } from './github.verifier';
import { SignatureError } from './signature.error';
import type { SignatureScheme, VerifyInput, Verified } from './signature.types';
import { verifyStandardWebhook } from './standard-webhooks.verifier';
import { verifyStripe } from './stripe.verifier';

const VERIFIERS: Record<SignatureScheme, (input: VerifyInput) => Verified> = {
  'standard-webhooks': verifyStandardWebhook,
  stripe: verifyStripe,
  github: verifyGithub,
};

/**
 * Detects the scheme from the headers and verifies with that scheme's secrets only.
 * No signature headers → missing_header; no secret of the scheme → no_secret.
 */
export function verifySignature(input: VerifyInput): Verified {
  const scheme = detectScheme(input.headers);
  if (scheme === undefined) throw new SignatureError('missing_header', 'No signature headers');
  const secrets = input.secrets.filter((secret) => secret.scheme === scheme);
  if (secrets.length === 0) throw new SignatureError('no_secret', `No ${scheme} secret configured`);
  return VERIFIERS[scheme]({ ...input, secrets });
}
