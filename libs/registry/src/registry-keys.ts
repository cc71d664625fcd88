/** Every Redis key the registry owns, in one place. `{p}` is SLUICE_REDIS_PREFIX. */
export class RegistryKeys {
  constructor(private readonly p: string) {}
  orgs = () => `${this.p}:orgs`;
  bootstrapLock = () => `${this.p}:bootstrap`;
  org = (orgId: string) => `${this.p}:org:${orgId}`;
  orgInstances = (orgId: string) => `${this.p}:org:${orgId}:instances`;
  orgKeys = (orgId: string) => `${this.p}:org:${orgId}:keys`;
  /** zset keyId → expiry (ms, or +inf): the active keys counted against the limit. */
  orgActiveKeys = (orgId: string) => `${this.p}:org:${orgId}:keys:active`;
  orgKey = (keyId: string) => `${this.p}:orgkey:${keyId}`;
  orgKeyByHash = (hash: string) => `${this.p}:orgkey-hash:${hash}`;
  instance = (pid: string) => `${this.p}:inst:${pid}`;
  instanceByKeyHash = (hash: string) => `${this.p}:inst-key:${hash}`;
  workflows = (pid: string) => `${this.p}:inst:${pid}:workflows`;
  signingSecrets = (pid: string, wid: string) => `${this.p}:inst:${pid}:wf:${wid}:secrets`;
  /** Pub/sub channel: a processInstanceId whose endpoints changed (see endpoint-cache.ts). */
  endpointChanges = () => `${this.p}:endpoint-changes`;
  /** Pub/sub channel: an org keyId whose record changed (see org-key-cache.ts). */
  orgKeyChanges = () => `${this.p}:org-key-changes`;
}
