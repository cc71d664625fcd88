export { generateKey, isKeyShaped, hashKey, keyHint, constantTimeEqual, generateId } from './keys';
export type { KeyKind } from './keys';
export { ORG_SCOPES, isOrgScope, hasScope } from './scopes';
export type { OrgScope } from './scopes';
export type { AuthMethod, Principal } from './principal';
export { deriveExecutionSecretKey, executionSecretFor, isExecutionSecret } from './execution-secret';
export { pooledRandomBytes } from './random-pool';
