import type { Redis } from 'ioredis';
import { LuaScript } from '@sluice/redis';
import acquireSlotSource from './lua/acquire-slot-1.lua';

/** Return codes of acquire-slot-1.lua. */
enum AcquireResult {
  Busy = 0,
  Acquired = 1,
}

const acquireSlotScript = new LuaScript(acquireSlotSource, 1);

/**
 * `target.maxConcurrency` across all worker processes: a Redis zset of leases per workflow.
 * A lease expires on its own (a crashed worker cannot hold a slot forever).
 */
export class ConcurrencyLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(processInstanceId: string, workflowId: string): string {
    return `${this.prefix}:slots:${processInstanceId}:${workflowId}`;
  }

  async acquire(processInstanceId: string, workflowId: string, executionId: string, limit: number, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const result = (await acquireSlotScript.run(this.redis, [
      this.key(processInstanceId, workflowId),
      now,
      limit,
      executionId,
      now + leaseMs,
    ])) as AcquireResult;
    return result === AcquireResult.Acquired;
  }

  async release(processInstanceId: string, workflowId: string, executionId: string): Promise<void> {
    await this.redis.zrem(this.key(processInstanceId, workflowId), executionId);
  }
}
