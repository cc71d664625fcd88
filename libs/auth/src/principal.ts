import type { OrgScope } from './scopes';

/** Who a request acts as, once exactly one auth method has decided it. */
export type AuthMethod = 'api_key_header' | 'org_key' | 'signature' | 'api_key_query';

export type Principal =
  | { kind: 'instance'; method: 'api_key_header' | 'api_key_query'; processInstanceId: string; organizationId: string }
  | { kind: 'org'; method: 'org_key'; organizationId: string; keyId: string; scopes: readonly OrgScope[] }
  | {
      kind: 'signature';
      method: 'signature';
      processInstanceId: string;
      organizationId: string;
      scheme: string;
      secretId: string;
    };
