export { SignatureError } from './signature.error';
export type {
  SignatureScheme,
  SignatureFailureReason,
  SigningSecret,
  HeaderBag,
  VerifyInput,
  Verified,
} from './signature.error';
export { detectScheme, verifySignature } from './verify-signature';
export { verifyStandardWebhook, signStandardWebhook, generateStandardWebhookSecret } from './standard-webhooks.verifier';
export { verifyStripe } from './stripe.verifier';
export { verifyGithub } from './github.verifier';
export { verifyPubSubOidc, hasBearerToken, GOOGLE_ISSUERS } from './pubsub-oidc.verifier';
export type { PubSubOidcSecret, PubSubOidcInput } from './pubsub-oidc.verifier';
