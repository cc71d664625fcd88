import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEncryptionKey } from '@sluice/config';
import type { Logger } from '@sluice/observability';

/**
 * The configured SLUICE_ENCRYPTION_KEY, or in development a random key generated once and
 * kept in <dataDir>/encryption.key (mode 0600) so secrets survive restarts. Production
 * refuses to start without a configured key (see loadConfig).
 */
export function resolveEncryptionKey(configured: Buffer | undefined, dataDir: string, logger: Logger): Buffer {
  if (configured) return configured;
  const file = join(dataDir, 'encryption.key');
  if (existsSync(file)) {
    const key = parseEncryptionKey(readFileSync(file, 'utf8').trim());
    if (!key) throw new Error(`${file} does not hold a 32-byte key; delete it or set SLUICE_ENCRYPTION_KEY`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  logger.warn({ file }, 'SLUICE_ENCRYPTION_KEY is not set: generated a development key. Set SLUICE_ENCRYPTION_KEY in production.');
  return key;
}
