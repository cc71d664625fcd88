import { type JWTVerifyGetKey, createRemoteJWKSet } from 'jose';
import type { Principal } from '@sluice/auth';
import type { Logger } from '@sluice/observability';
import { type ParsedJson, type RunSource, parsePubSubPush } from '@sluice/queue';
import type { InstanceAuthRecord, SigningSecretMaterial, Workflow } from '@sluice/registry';
import {
  SignatureError,
  type SignatureScheme,
  type SigningSecret,
  hasBearerToken,
  verifyPubSubOidc,
  verifySignature,
} from '@sluice/signatures';
import { type RequestHead, singleHeader } from './authenticate';
import type { IngressDeps } from './deps';
import { signatureFailure } from './signature-errors';

export type SenderScheme = SignatureScheme | 'gcp-pubsub-oidc';

/** Google's keys, fetched once and cached by jose (refetched on an unknown `kid`). */
export function googleKeys(jwksUrl: string): JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | undefined;
  // An unknown kid refetches the set (Google rotates keys), at most once per cooldown so forged
  // kids cannot make every request fetch.
  return (header, token) =>
    (keys ??= createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000, cooldownDuration: 5000, cacheMaxAge: 600_000 }))(header, token);
}

export interface SenderAuth {
  principal: Principal;
  deliveryId?: string;
  source: RunSource;
}

/** The request as sender checks read it: head, exact bytes, and the body parsed once on demand. */
export interface SignedRequest {
  head: RequestHead;
  rawBody: Buffer;
  json: () => ParsedJson;
}

/** What a verified sender said about the event: provider, delivery id, event type. */
export function senderDetails(scheme: SenderScheme, request: SignedRequest): Pick<RunSource, 'provider' | 'eventType'> & { deliveryId?: string } {
  const { head: req, rawBody } = request;
  switch (scheme) {
    case 'stripe':
      return { provider: 'stripe', ...bodyType(request.json()) };
    case 'github': {
      const eventType = singleHeader(req, 'x-github-event');
      return { provider: 'github', ...(eventType ? { eventType: eventType.slice(0, 200) } : {}) };
    }
    case 'standard-webhooks':
      return { provider: req.headers['svix-id'] !== undefined ? 'svix' : 'standard-webhooks', ...bodyType(request.json()) };
    case 'gcp-pubsub-oidc': {
      const push = parsePubSubPush(rawBody);
      return { provider: 'gcp-pubsub', ...(push ? { deliveryId: push.messageId } : {}) };
    }
  }
}

/** Svix, Clerk, Resend and Stripe put the event type in the body's `type`. */
function bodyType(json: ParsedJson): { eventType?: string } {
  const type = json.ok && json.value !== null && typeof json.value === 'object' ? (json.value as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? { eventType: type.slice(0, 200) } : {};
}

/** Whether signature headers (or a Pub/Sub bearer token) are present: they then decide alone. */
export function hasSenderSignature(req: RequestHead, scheme: SignatureScheme | undefined): boolean {
  return scheme !== undefined || hasBearerToken(req.headers);
}

/**
 * Verifies a signed request against the endpoint's signing secrets (DESIGN §3.1). Failures
 * become 401s with the reason's code; the reason is logged, never the secret or body.
 */
export async function verifySender(
  deps: IngressDeps,
  keys: JWTVerifyGetKey,
  endpoint: { instance: InstanceAuthRecord; workflow: Workflow; material: SigningSecretMaterial[] },
  scheme: SignatureScheme | undefined,
  request: SignedRequest,
  log: () => Logger,
): Promise<SenderAuth> {
  const { instance, workflow, material } = endpoint;
  const { head: req, rawBody } = request;
  const nowSec = Math.floor((deps.now ? deps.now().getTime() : Date.now()) / 1000);
  try {
    let used: { scheme: SenderScheme; secretId: string; deliveryId?: string };
    if (scheme) {
      const verified = verifySignature({
        rawBody,
        headers: req.headers,
        secrets: hmacSecrets(material),
        nowSec,
        toleranceSec: deps.config.signatureToleranceSec,
      });
      used = { scheme: verified.scheme, secretId: verified.secretId, ...(verified.deliveryId ? { deliveryId: verified.deliveryId } : {}) };
    } else {
      const oidc = material
        .filter((m) => m.scheme === 'gcp-pubsub-oidc' && m.audience && m.serviceAccountEmail)
        .map((m) => ({ id: m.secretId, audience: m.audience!, serviceAccountEmail: m.serviceAccountEmail! }));
      const verified = await verifyPubSubOidc({ headers: req.headers, secrets: oidc, keys, nowSec, toleranceSec: deps.config.signatureToleranceSec });
      used = { scheme: 'gcp-pubsub-oidc', secretId: verified.secretId };
    }
    const details = senderDetails(used.scheme, request);
    const deliveryId = used.deliveryId ?? details.deliveryId;
    const label = material.find((m) => m.secretId === used.secretId)?.label;
    return {
      principal: {
        kind: 'signature',
        method: 'signature',
        processInstanceId: instance.processInstanceId,
        organizationId: instance.organizationId,
        scheme: used.scheme,
        secretId: used.secretId,
      },
      ...(deliveryId !== undefined ? { deliveryId } : {}),
      source: {
        method: 'signature',
        scheme: used.scheme,
        ...(details.provider ? { provider: details.provider } : {}),
        ...(deliveryId !== undefined ? { deliveryId } : {}),
        ...(details.eventType ? { eventType: details.eventType } : {}),
        ...(label ? { secretLabel: label } : {}),
      },
    };
  } catch (err: unknown) {
    if (err instanceof SignatureError) {
      log().info({ reason: err.reason, scheme: scheme ?? 'gcp-pubsub-oidc', processInstanceId: instance.processInstanceId, workflowId: workflow.workflowId }, 'signature rejected');
      throw signatureFailure(err.reason);
    }
    throw err;
  }
}

/** Per material list: the endpoint cache hands out the same list until the secrets change. */
const hmacSecretsOf = new WeakMap<readonly SigningSecretMaterial[], SigningSecret[]>();

function hmacSecrets(material: readonly SigningSecretMaterial[]): SigningSecret[] {
  let secrets = hmacSecretsOf.get(material);
  if (!secrets) {
    secrets = material
      .filter((m) => m.secret !== undefined && m.scheme !== 'gcp-pubsub-oidc')
      .map((m) => ({ id: m.secretId, scheme: m.scheme as SignatureScheme, secret: m.secret! }));
    hmacSecretsOf.set(material, secrets);
  }
  return secrets;
}
