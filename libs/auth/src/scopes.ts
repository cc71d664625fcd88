/** Org key scopes, as in the Codika public API. */
export const ORG_SCOPES = [
  'workflows:trigger',
  'executions:read',
  'instances:read',
  'instances:manage',
  'api-keys:manage',
] as const;

export type OrgScope = (typeof ORG_SCOPES)[number];

export function isOrgScope(value: unknown): value is OrgScope {
  return typeof value === 'string' && (ORG_SCOPES as readonly string[]).includes(value);
}

/**
 * Whether a key's scopes allow an action. `workflows:trigger` covers triggering and polling
 * the runs it started (status), so a trigger-only key can follow its own runs.
 */
export function hasScope(granted: readonly OrgScope[], needed: OrgScope): boolean {
  if (granted.includes(needed)) return true;
  return needed === 'executions:read' && granted.includes('workflows:trigger');
}
