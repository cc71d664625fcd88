import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      role: 'all',
      signatureToleranceSec: 300,
      bodyLimitBytes: 1_048_576,
      dedupeTtlSec: 259_200,
      executionTtlSec: 604_800,
      dispatchAttempts: 8,
      dispatchBackoffMs: 1000,
      dispatchTimeoutMs: 30_000,
      resultTimeoutSec: 3600,
      redisUrl: undefined,
      production: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes SLUICE_PROCESSES as a count or auto (one per core), 1 by default', () => {
    expect(loadConfig({}).processes).toBe(1);
    expect(loadConfig({ SLUICE_PROCESSES: '3' }).processes).toBe(3);
    expect(loadConfig({ SLUICE_PROCESSES: 'auto' }).processes).toBe(availableParallelism());
    expect(() => loadConfig({ SLUICE_PROCESSES: '0' })).toThrow(/SLUICE_PROCESSES must be auto or a whole number/);
    expect(() => loadConfig({ SLUICE_PROCESSES: 'many' })).toThrow(/SLUICE_PROCESSES/);
  });

  it('lists every bad value at once', () => {
    try {
      loadConfig({ PORT: 'eighty', SLUICE_ROLE: 'boss', SLUICE_DISPATCH_ATTEMPTS: '0', REDIS_URL: 'http://x' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/SLUICE_ROLE/);
      expect(problems).toMatch(/SLUICE_DISPATCH_ATTEMPTS/);
      expect(problems).toMatch(/REDIS_URL/);
    }
  });

  it('requires an encryption key and a Redis URL in production, with no default secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SLUICE_ENCRYPTION_KEY is required[\s\S]*REDIS_URL is required/);
    const key = Buffer.alloc(32, 7);
    const config = loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://r:6379', SLUICE_ENCRYPTION_KEY: key.toString('base64') });
    expect(config.encryptionKey?.equals(key)).toBe(true);
    expect(loadConfig({ SLUICE_ENCRYPTION_KEY: key.toString('hex') }).encryptionKey?.equals(key)).toBe(true);
    expect(() => loadConfig({ SLUICE_ENCRYPTION_KEY: 'short' })).toThrow(/32 bytes/);
  });

  it('refuses a bootstrap org key that is not a cko_ key', () => {
    expect(() => loadConfig({ SLUICE_BOOTSTRAP_ORG_KEY: 'ck_nope' })).toThrow(/SLUICE_BOOTSTRAP_ORG_KEY/);
  });

  it('documents every key it reads in .env.example', () => {
    const example = readFileSync(resolve(__dirname, '../../../.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const source = readFileSync(resolve(__dirname, 'config.ts'), 'utf8');
    // PATH is the system's, not a Sluice setting: read (for the embedded Redis), not documented.
    const read = [...source.matchAll(/^  ([A-Z_]+): /gm)].map((m) => m[1]).filter((key) => key !== 'PATH');
    expect(read.length).toBeGreaterThan(15);
    for (const key of read) expect(documented).toContain(key);
  });
});
