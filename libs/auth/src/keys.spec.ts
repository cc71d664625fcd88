import { generateId, generateKey, hashKey, isKeyShaped, keyHint } from './keys';
import { hasScope } from './scopes';

describe('keys', () => {
  it('generates 256-bit keys with their prefix', () => {
    const key = generateKey('instance');
    expect(key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(generateKey('org')).toMatch(/^cko_/);
    expect(generateKey('org')).not.toBe(generateKey('org'));
  });

  it('tells key kinds apart by shape', () => {
    expect(isKeyShaped('instance', generateKey('instance'))).toBe(true);
    expect(isKeyShaped('org', generateKey('instance'))).toBe(false);
    expect(isKeyShaped('instance', generateKey('org'))).toBe(false);
    expect(isKeyShaped('instance', 'ck_short')).toBe(false);
  });

  it('hashes with sha-256 hex and hints without revealing the key', () => {
    const key = generateKey('org');
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(key)).toBe(hashKey(key));
    expect(keyHint(key)).toHaveLength(9);
    expect(key.startsWith(keyHint(key).slice(0, 8))).toBe(true);
  });

  it('makes ids that are never all digits and carry no reserved colon', () => {
    for (let i = 0; i < 100; i++) expect(generateId('exec')).toMatch(/^exec_[A-Za-z0-9]+$/);
  });

  it('lets workflows:trigger cover status reads but nothing else', () => {
    expect(hasScope(['workflows:trigger'], 'executions:read')).toBe(true);
    expect(hasScope(['workflows:trigger'], 'instances:manage')).toBe(false);
    expect(hasScope(['executions:read'], 'workflows:trigger')).toBe(false);
  });
});
