import type { Redis } from 'ioredis';
import { InstanceStore } from './instance.store';
import { OrgStore } from './org.store';
import { RegistryKeys } from './registry-keys';
import { SecretBox } from './secret-box';
import { SigningSecretStore } from './signing-secret.store';

/** The registry's three stores over one Redis connection and key prefix. */
export interface Registry {
  orgs: OrgStore;
  instances: InstanceStore;
  signingSecrets: SigningSecretStore;
}

export function createRegistry(options: {
  redis: Redis;
  prefix: string;
  encryptionKey: Buffer;
  now?: () => Date;
}): Registry {
  const keys = new RegistryKeys(options.prefix);
  const box = new SecretBox(options.encryptionKey);
  return {
    orgs: new OrgStore(options.redis, keys, options.now),
    instances: new InstanceStore(options.redis, keys, box, options.now),
    signingSecrets: new SigningSecretStore(options.redis, keys, box, options.now),
  };
}
