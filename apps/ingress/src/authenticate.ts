import type { IncomingHttpHeaders } from 'node:http';
import { type OrgScope, type Principal, constantTimeEqual, hashKey, hasScope, isKeyShaped } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import type { InstanceAuthRecord, OrgStore, Registry } from '@sluice/registry';

/** Where org keys are looked up: the OrgKeyCache, or the registry itself. */
export type OrgKeyLookups = Pick<OrgStore, 'lookupOrgKey'>;

/** What credential checks read of a request: node's and Express's requests both fit. */
export interface RequestHead {
  headers: IncomingHttpHeaders;
  /** The request target, query included. */
  url?: string;
}

/** The single-valued header, or undefined; a repeated credential header is refused. */
export function singleHeader(req: RequestHead, name: string): string | undefined {
  const value = req.headers[name];
  if (Array.isArray(value)) throw new ApiError('INVALID_REQUEST', `Send the ${name} header once.`);
  return value === undefined || value === '' ? undefined : value;
}

function queryApiKey(req: RequestHead): string | undefined {
  const at = req.url?.indexOf('?') ?? -1;
  if (at < 0 || !req.url!.includes('api_key', at)) return undefined;
  const values = new URLSearchParams(req.url!.slice(at + 1)).getAll('api_key');
  if (values.length > 1) throw new ApiError('INVALID_REQUEST', 'Send api_key once, as a plain value.');
  return values[0] === '' ? undefined : values[0];
}

/** Which key credential a request carries, in DESIGN §3 precedence (signatures are decided before). */
export type KeyCredential =
  | { method: 'api_key_header'; key: string }
  | { method: 'org_key'; key: string }
  | { method: 'api_key_query'; key: string };

export function keyCredential(req: RequestHead): KeyCredential | undefined {
  const headerKey = singleHeader(req, 'x-api-key');
  if (headerKey !== undefined) return { method: 'api_key_header', key: headerKey };
  const orgKey = singleHeader(req, 'x-process-manager-key');
  if (orgKey !== undefined) return { method: 'org_key', key: orgKey };
  const queryKey = queryApiKey(req);
  if (queryKey !== undefined) {
    // An org key in a URL ends up in proxy logs and browser history: refuse it outright.
    if (queryKey.startsWith('cko_')) {
      throw new ApiError('ORG_KEY_IN_QUERY', 'Organization keys are not accepted in the URL; send X-Process-Manager-Key and rotate this key.');
    }
    return { method: 'api_key_query', key: queryKey };
  }
  return undefined;
}

export function missingCredentials(): ApiError {
  return new ApiError(
    'MISSING_CREDENTIALS',
    'Authenticate with X-API-Key, X-Process-Manager-Key, ?api_key= or signature headers.',
  );
}

/** Checks an org key and returns its principal, or throws the matching 401. */
export async function resolveOrgKey(orgKeys: OrgKeyLookups, key: string): Promise<Extract<Principal, { kind: 'org' }>> {
  if (!isKeyShaped('org', key)) throw new ApiError('INVALID_ORG_KEY', 'The organization key is not valid.');
  const lookup = await orgKeys.lookupOrgKey(key);
  switch (lookup.status) {
    case 'unknown':
      throw new ApiError('INVALID_ORG_KEY', 'The organization key is not valid.');
    case 'expired':
      throw new ApiError('ORG_KEY_EXPIRED', 'The organization key has expired.');
    case 'revoked':
      throw new ApiError('ORG_KEY_REVOKED', 'The organization key has been revoked.');
    case 'valid':
      return {
        kind: 'org',
        method: 'org_key',
        organizationId: lookup.record.organizationId,
        keyId: lookup.record.keyId,
        scopes: lookup.record.scopes,
      };
  }
}

export function requireScope(principal: Extract<Principal, { kind: 'org' }>, scope: OrgScope): void {
  if (!hasScope(principal.scopes, scope)) {
    throw new ApiError('MISSING_SCOPE', `This organization key lacks the scope ${scope}.`, { requiredScope: scope });
  }
}

/**
 * Authenticates a key credential against one instance: its own `ck_` key, or an org key of its
 * organization with `scope`. A valid key of another instance is 403, an unknown key 401.
 */
export async function authenticateKeyForInstance(
  registry: Registry,
  credential: KeyCredential,
  instance: InstanceAuthRecord,
  scope: OrgScope,
  orgKeys: OrgKeyLookups = registry.orgs,
): Promise<Principal> {
  if (credential.method === 'org_key') {
    const principal = await resolveOrgKey(orgKeys, credential.key);
    if (principal.organizationId !== instance.organizationId) {
      throw new ApiError('INSTANCE_FORBIDDEN', 'This organization key has no access to this instance.');
    }
    requireScope(principal, scope);
    return principal;
  }
  if (!isKeyShaped('instance', credential.key)) {
    throw new ApiError('INVALID_API_KEY', 'The API key is not valid.');
  }
  if (constantTimeEqual(hashKey(credential.key), instance.apiKeyHash)) {
    return {
      kind: 'instance',
      method: credential.method,
      processInstanceId: instance.processInstanceId,
      organizationId: instance.organizationId,
    };
  }
  const owner = await registry.instances.findByApiKey(credential.key);
  if (owner !== undefined) throw new ApiError('INSTANCE_FORBIDDEN', 'This API key belongs to another instance.');
  throw new ApiError('INVALID_API_KEY', 'The API key is not valid.');
}
