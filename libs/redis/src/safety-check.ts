import type { Redis } from 'ioredis';

/**
 * What Redis must guarantee for "a 2xx means stored": no eviction of keys, and persistence so
 * a restart keeps acked events. Eviction stops a production start; no persistence is a loud
 * warning in every mode (DESIGN §4).
 */
export interface RedisSafetyReport {
  maxmemoryPolicy: string | undefined;
  aof: boolean;
  rdb: boolean;
  /** Problems that stop a production start. */
  fatal: string[];
  warnings: string[];
}

const SAFE_POLICIES = new Set(['noeviction', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']);

export async function inspectRedis(redis: Redis): Promise<RedisSafetyReport> {
  const fatal: string[] = [];
  const warnings: string[] = [];
  let maxmemoryPolicy: string | undefined;
  let aof = false;
  let rdb = false;
  try {
    const [policyReply, aofReply, saveReply] = await Promise.all([
      redis.config('GET', 'maxmemory-policy') as Promise<string[]>,
      redis.config('GET', 'appendonly') as Promise<string[]>,
      redis.config('GET', 'save') as Promise<string[]>,
    ]);
    maxmemoryPolicy = policyReply[1];
    aof = aofReply[1] === 'yes';
    rdb = typeof saveReply[1] === 'string' && saveReply[1].trim() !== '';
  } catch {
    // Managed Redis often disables CONFIG; fall back to INFO, which reports both.
    const info = await redis.info();
    maxmemoryPolicy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
    aof = /aof_enabled:1/.test(info);
    rdb = /rdb_last_save_time:[1-9]/.test(info) && !/rdb_saves:0\b/.test(info);
  }
  // volatile-* policies only evict keys with a TTL. Sluice's queued jobs have none, but its
  // dedupe and execution records do: evicting them early would break dedupe, so only
  // noeviction is fully safe. volatile-* is a warning, allkeys-* is fatal.
  if (maxmemoryPolicy && !SAFE_POLICIES.has(maxmemoryPolicy)) {
    fatal.push(
      `Redis maxmemory-policy is "${maxmemoryPolicy}": Redis may evict queued events under memory pressure. Set maxmemory-policy noeviction.`,
    );
  } else if (maxmemoryPolicy && maxmemoryPolicy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is "${maxmemoryPolicy}": dedupe and execution records may be evicted early. Prefer noeviction.`,
    );
  }
  if (!aof && !rdb) {
    warnings.push(
      'Redis has no persistence (appendonly no, save ""): a Redis restart loses every acknowledged event still in the queue. Enable AOF (appendonly yes, appendfsync everysec).',
    );
  }
  return { maxmemoryPolicy, aof, rdb, fatal, warnings };
}
