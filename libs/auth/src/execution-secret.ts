import { createHmac, hkdfSync } from 'node:crypto';
import { constantTimeEqual } from './keys';

/**
 * Per-run callback secrets. Derived (HMAC of the executionId under a key derived from
 * SLUICE_ENCRYPTION_KEY) rather than stored, so a Redis dump reveals none and every replica
 * can check a callback without a lookup. Rotating the encryption key invalidates them.
 */
export function deriveExecutionSecretKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'sluice execution secrets v1', 32));
}

export function executionSecretFor(key: Buffer, executionId: string): string {
  return `exs_${createHmac('sha256', key).update(executionId, 'utf8').digest('base64url')}`;
}

export function isExecutionSecret(key: Buffer, executionId: string, candidate: string): boolean {
  return constantTimeEqual(executionSecretFor(key, executionId), candidate);
}
