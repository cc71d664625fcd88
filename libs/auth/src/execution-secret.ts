import { type KeyObject, createHmac, createSecretKey, hkdfSync } from 'node:crypto';
import { constantTimeEqual } from './keys';

/**
 * Per-run callback secrets. Derived (HMAC of the executionId under a key derived from
 * SLUICE_ENCRYPTION_KEY) rather than stored, so a Redis dump reveals none and every replica
 * can check a callback without a lookup. Rotating the encryption key invalidates them.
 */
export function deriveExecutionSecretKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'sluice execution secrets v1', 32));
}

/** The key imported once per key buffer (one per process): a run derives its secret per dispatch. */
const imported = new WeakMap<Buffer, KeyObject>();

export function executionSecretFor(key: Buffer, executionId: string): string {
  let keyObject = imported.get(key);
  if (keyObject === undefined) {
    keyObject = createSecretKey(key);
    imported.set(key, keyObject);
  }
  return `exs_${createHmac('sha256', keyObject).update(executionId, 'utf8').digest('base64url')}`;
}

export function isExecutionSecret(key: Buffer, executionId: string, candidate: string): boolean {
  return constantTimeEqual(executionSecretFor(key, executionId), candidate);
}
