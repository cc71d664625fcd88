import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * The whole runtime configuration. `loadConfig` is the only reader of process.env in the
 * codebase; everything else receives this frozen object.
 */
export type SluiceRole = 'all' | 'ingress' | 'worker';

const intFrom = (name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return def;
      if (!/^\d+$/.test(raw.trim())) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number, got "${raw}"` });
        return z.NEVER;
      }
      const value = Number(raw);
      if (value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be between ${min} and ${max}, got ${value}` });
        return z.NEVER;
      }
      return value;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: optionalString,
  PORT: intFrom('PORT', 8080, 0, 65535),
  HOST: optionalString,
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
    message: 'REDIS_URL must start with redis:// or rediss://',
  }),
  SLUICE_REDIS_PREFIX: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9_.-]{1,64}$/.test(v), {
    message: 'SLUICE_REDIS_PREFIX may hold letters, digits, _ . - (at most 64)',
  }),
  SLUICE_DATA_DIR: optionalString,
  SLUICE_ROLE: optionalString.refine((v) => v === undefined || ['all', 'ingress', 'worker'].includes(v), {
    message: 'SLUICE_ROLE must be one of all, ingress, worker',
  }),
  SLUICE_PUBLIC_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), {
    message: 'SLUICE_PUBLIC_URL must be an http(s) URL',
  }),
  SLUICE_ENCRYPTION_KEY: optionalString,
  SLUICE_BOOTSTRAP_ORG_KEY: optionalString.refine((v) => v === undefined || /^cko_[A-Za-z0-9_-]{43,}$/.test(v), {
    message: 'SLUICE_BOOTSTRAP_ORG_KEY must be a cko_ key with at least 256 bits (43+ base64url chars)',
  }),
  SLUICE_SIGNATURE_TOLERANCE_SEC: intFrom('SLUICE_SIGNATURE_TOLERANCE_SEC', 300, 1, 86400),
  SLUICE_BODY_LIMIT_BYTES: intFrom('SLUICE_BODY_LIMIT_BYTES', 1_048_576, 1, 100 * 1_048_576),
  SLUICE_DEDUPE_TTL_SEC: intFrom('SLUICE_DEDUPE_TTL_SEC', 259_200, 1),
  SLUICE_EXECUTION_TTL_SEC: intFrom('SLUICE_EXECUTION_TTL_SEC', 604_800, 60),
  SLUICE_DISPATCH_ATTEMPTS: intFrom('SLUICE_DISPATCH_ATTEMPTS', 8, 1, 100),
  SLUICE_DISPATCH_BACKOFF_MS: intFrom('SLUICE_DISPATCH_BACKOFF_MS', 1000, 1),
  SLUICE_DISPATCH_TIMEOUT_MS: intFrom('SLUICE_DISPATCH_TIMEOUT_MS', 30_000, 1),
  SLUICE_RESULT_TIMEOUT_SEC: intFrom('SLUICE_RESULT_TIMEOUT_SEC', 3600, 1),
  SLUICE_WORKER_CONCURRENCY: intFrom('SLUICE_WORKER_CONCURRENCY', 100, 1, 10_000),
  SLUICE_PROCESSES: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return 1;
      if (raw.trim() === 'auto') return availableParallelism();
      if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 256) {
        ctx.addIssue({ code: 'custom', message: `SLUICE_PROCESSES must be auto or a whole number from 1 to 256, got "${raw}"` });
        return z.NEVER;
      }
      return Number(raw);
    }),
  SLUICE_REDIS_TIMEOUT_MS: intFrom('SLUICE_REDIS_TIMEOUT_MS', 1500, 50, 60_000),
  SLUICE_WORKER_LOCK_MS: intFrom('SLUICE_WORKER_LOCK_MS', 30_000, 1000, 600_000),
  SLUICE_GOOGLE_JWKS_URL: optionalString,
  SLUICE_DASHBOARD_USER: optionalString,
  SLUICE_DASHBOARD_PASSWORD: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'SLUICE_DASHBOARD_PASSWORD must be at least 16 characters',
  }),
  OTEL_SDK_DISABLED: optionalString,
  OTEL_TRACES_EXPORTER: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString,
  PATH: z.string().optional(),
  LOG_LEVEL: optionalString.refine(
    (v) => v === undefined || ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v),
    { message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' },
  ),
});

export interface SluiceConfig {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** undefined: start (or find) the embedded default Redis. */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key Sluice writes, BullMQ's included. */
  readonly redisPrefix: string;
  /** Where the embedded Redis and the development encryption key live. */
  readonly dataDir: string;
  /** PATH, where the embedded default Redis looks for `redis-server`. */
  readonly searchPath: string;
  readonly role: SluiceRole;
  readonly publicUrl: string | undefined;
  /** 32 bytes, or undefined in development (a generated key is kept under dataDir). */
  readonly encryptionKey: Buffer | undefined;
  readonly bootstrapOrgKey: string | undefined;
  readonly signatureToleranceSec: number;
  readonly bodyLimitBytes: number;
  readonly dedupeTtlSec: number;
  readonly executionTtlSec: number;
  readonly dispatchAttempts: number;
  readonly dispatchBackoffMs: number;
  readonly dispatchTimeoutMs: number;
  readonly resultTimeoutSec: number;
  /** Per process. */
  readonly workerConcurrency: number;
  /** Processes sharing the port, each running the role (node:cluster); `auto` is one per core. */
  readonly processes: number;
  /** Bound on how long the ingress waits for Redis before answering 503. */
  readonly redisTimeoutMs: number;
  /** How long a dead worker's runs wait before another worker takes them over. */
  readonly workerLockMs: number;
  readonly googleJwksUrl: string;
  /** Optional basic-auth pair for /admin/queues (an org key with instances:read works too). */
  readonly dashboardCredentials: { user: string; password: string } | undefined;
  readonly logLevel: string;
  /** OpenTelemetry tracing, on only when an OTLP endpoint or exporter is configured (OTEL_*). */
  readonly tracingEnabled: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Accepts 32 bytes as 64 hex chars or base64/base64url (44/43 chars). */
export function parseEncryptionKey(raw: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) {
    const key = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}

/** Validates the environment once; a bad value stops the start with the full list of problems. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SluiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        return issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';

  let encryptionKey: Buffer | undefined;
  if (e.SLUICE_ENCRYPTION_KEY !== undefined) {
    encryptionKey = parseEncryptionKey(e.SLUICE_ENCRYPTION_KEY);
    if (!encryptionKey) {
      problems.push('SLUICE_ENCRYPTION_KEY must be 32 bytes as 64 hex chars or base64 (try: openssl rand -base64 32)');
    }
  } else if (production) {
    problems.push('SLUICE_ENCRYPTION_KEY is required when NODE_ENV=production (try: openssl rand -base64 32)');
  }
  if ((e.SLUICE_DASHBOARD_USER === undefined) !== (e.SLUICE_DASHBOARD_PASSWORD === undefined)) {
    problems.push('SLUICE_DASHBOARD_USER and SLUICE_DASHBOARD_PASSWORD go together: set both or neither');
  }
  if (production && e.REDIS_URL === undefined) {
    problems.push('REDIS_URL is required when NODE_ENV=production (the embedded Redis is for development)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    production,
    port: e.PORT,
    host: e.HOST ?? '0.0.0.0',
    redisUrl: e.REDIS_URL,
    redisPrefix: e.SLUICE_REDIS_PREFIX ?? 'sluice',
    dataDir: e.SLUICE_DATA_DIR ?? '.data',
    searchPath: e.PATH ?? '',
    role: (e.SLUICE_ROLE ?? 'all') as SluiceRole,
    publicUrl: e.SLUICE_PUBLIC_URL?.replace(/\/+$/, ''),
    encryptionKey,
    bootstrapOrgKey: e.SLUICE_BOOTSTRAP_ORG_KEY,
    signatureToleranceSec: e.SLUICE_SIGNATURE_TOLERANCE_SEC,
    bodyLimitBytes: e.SLUICE_BODY_LIMIT_BYTES,
    dedupeTtlSec: e.SLUICE_DEDUPE_TTL_SEC,
    executionTtlSec: e.SLUICE_EXECUTION_TTL_SEC,
    dispatchAttempts: e.SLUICE_DISPATCH_ATTEMPTS,
    dispatchBackoffMs: e.SLUICE_DISPATCH_BACKOFF_MS,
    dispatchTimeoutMs: e.SLUICE_DISPATCH_TIMEOUT_MS,
    resultTimeoutSec: e.SLUICE_RESULT_TIMEOUT_SEC,
    workerConcurrency: e.SLUICE_WORKER_CONCURRENCY,
    processes: e.SLUICE_PROCESSES,
    redisTimeoutMs: e.SLUICE_REDIS_TIMEOUT_MS,
    workerLockMs: e.SLUICE_WORKER_LOCK_MS,
    googleJwksUrl: e.SLUICE_GOOGLE_JWKS_URL ?? 'https://www.googleapis.com/oauth2/v3/certs',
    dashboardCredentials:
      e.SLUICE_DASHBOARD_USER !== undefined && e.SLUICE_DASHBOARD_PASSWORD !== undefined
        ? { user: e.SLUICE_DASHBOARD_USER, password: e.SLUICE_DASHBOARD_PASSWORD }
        : undefined,
    logLevel: e.LOG_LEVEL ?? 'info',
    tracingEnabled:
      e.OTEL_SDK_DISABLED !== 'true' &&
      e.OTEL_TRACES_EXPORTER !== 'none' &&
      (e.OTEL_TRACES_EXPORTER === 'otlp' || e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined),
  });
}
