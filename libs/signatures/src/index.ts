export type { SignatureScheme, SignatureFailureReason, SigningSecret, HeaderBag, VerifyInput, Verified } from './signature.types';
export { SignatureError } from './signature.error';
export { detectScheme } from './detect-scheme';
export { verifySignature } from './verify-signature';
export { verifyStandardWebhook } from './standard-webhooks.verifier';
export { signStandardWebhook, generateStandardWebhookSecret } from './standard-webhooks.signer';
export { verifyStripe } from './stripe.verifier';
export { verifyGithub } from './github.verifier';
// GCP Pub/Sub push (DESIGN §3.1, last row): async and jose-based, so outside verifySignature.
export { verifyPubSubOidc, hasBearerToken, GOOGLE_ISSUERS } from './pubsub-oidc.verifier';
export type { PubSubOidcSecret, PubSubOidcInput } from './pubsub-oidc.verifier';
