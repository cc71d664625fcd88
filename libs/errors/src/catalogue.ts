/**
 * Every error code the API can answer with, its HTTP status and what the caller should do.
 * docs/errors.md holds the same table; catalogue.spec.ts fails when the two drift.
 */
export const ERROR_CATALOGUE = {
  INVALID_JSON: { status: 400, action: 'Send a valid JSON body (or a non-JSON content type).' },
  INVALID_REQUEST: { status: 400, action: 'Fix the request body or parameters named in the message.' },
  VALIDATION_ERROR: { status: 400, action: "Fix the payload fields listed in `details` to match the workflow's inputSchema." },
  ORG_KEY_IN_QUERY: { status: 400, action: 'Send org keys in X-Process-Manager-Key, never in the URL; rotate the exposed key.' },
  MISSING_CREDENTIALS: { status: 401, action: 'Send X-API-Key, X-Process-Manager-Key, ?api_key= or the sender signature headers.' },
  INVALID_API_KEY: { status: 401, action: 'Use the current instance key (a regenerated key replaces the old one at once).' },
  INVALID_ORG_KEY: { status: 401, action: 'Use an existing organization key.' },
  ORG_KEY_EXPIRED: { status: 401, action: 'Create a new organization key.' },
  ORG_KEY_REVOKED: { status: 401, action: 'Create a new organization key.' },
  SIGNATURE_MISSING_HEADER: { status: 401, action: 'Send all headers of the signature scheme (id, timestamp and signature).' },
  SIGNATURE_MALFORMED_HEADER: { status: 401, action: 'Send the signature headers in the format the scheme defines.' },
  SIGNATURE_STALE_TIMESTAMP: { status: 401, action: 'Sign with the current time; check the sender clock (tolerance SLUICE_SIGNATURE_TOLERANCE_SEC).' },
  SIGNATURE_FUTURE_TIMESTAMP: { status: 401, action: 'Sign with the current time; the sender clock runs ahead.' },
  SIGNATURE_MISMATCH: { status: 401, action: 'Sign the exact raw body with a signing secret configured for this workflow.' },
  SIGNATURE_NO_SECRET: { status: 401, action: 'Add a signing secret of this scheme to the workflow (sluice secret add).' },
  INVALID_EXECUTION_SECRET: { status: 401, action: 'Send the executionSecret from the run\'s executionMetadata.' },
  INSTANCE_FORBIDDEN: { status: 403, action: 'Use the key of this instance, or an org key of its organization.' },
  MISSING_SCOPE: { status: 403, action: 'Use an org key that has the scope named in the message.' },
  ROUTE_NOT_FOUND: { status: 404, action: 'Check the method and path.' },
  INSTANCE_NOT_FOUND: { status: 404, action: 'Check the processInstanceId.' },
  WORKFLOW_NOT_FOUND: { status: 404, action: 'Check the workflowId, or add the workflow to the instance.' },
  EXECUTION_NOT_FOUND: { status: 404, action: 'Check the executionId; records expire after SLUICE_EXECUTION_TTL_SEC.' },
  ORG_KEY_NOT_FOUND: { status: 404, action: 'Check the keyId.' },
  SIGNING_SECRET_NOT_FOUND: { status: 404, action: 'Check the secretId.' },
  EXECUTION_ALREADY_FINISHED: { status: 409, action: 'Nothing to do: the run already ended; its first result stands.' },
  INSTANCE_PAUSED: { status: 412, action: 'Resume the instance (PATCH active:true), then retry.' },
  PAYLOAD_TOO_LARGE: { status: 413, action: 'Send a body within SLUICE_BODY_LIMIT_BYTES.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, action: 'Send the admin API a JSON body with Content-Type: application/json.' },
  MAX_API_KEYS_REACHED: { status: 429, action: 'Revoke an unused organization key (at most 20 active).' },
  REDIS_UNAVAILABLE: { status: 503, action: 'Retry after Retry-After seconds; nothing was stored.' },
  SHUTTING_DOWN: { status: 503, action: 'Retry after Retry-After seconds against another replica.' },
  INTERNAL_ERROR: { status: 500, action: 'Retry; report the requestId if it persists.' },
} as const satisfies Record<string, { status: number; action: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}
