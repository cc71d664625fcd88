import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type ExecutionBase, ExecutionStore } from '@sluice/queue';
import { LuaScript } from '@sluice/redis';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';

// The worker's per-run writes: one script to start an attempt, one to end the run.
describe('execution store on real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: ExecutionStore;
  const base: ExecutionBase = {
    executionId: 'exec_store_1',
    processInstanceId: 'pi_1',
    workflowId: 'w',
    organizationId: 'org_1',
    createdAt: '2026-06-01T00:00:00.000Z',
    source: { method: 'api_key_header' },
  };

  beforeEach(() => {
    redis = new Redis(testRedisUrl());
    prefix = uniquePrefix('exec-store');
    store = new ExecutionStore(redis, prefix, 600);
  });
  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('records attempts, ends a run once, and logs the last attempt with the finish', async () => {
    expect(await store.recordAttemptStart(base, 1, '2026-06-01T00:00:01.000Z')).toBe(true);
    await store.recordAttempt(base.executionId, { attempt: 1, startedAt: '2026-06-01T00:00:01.000Z', durationMs: 5, statusCode: 503, error: 'HTTP 503' });
    expect(await store.recordAttemptStart(base, 2, '2026-06-01T00:00:03.000Z')).toBe(true);
    const pending = await store.get(base.executionId);
    expect(pending).toMatchObject({ status: 'pending', attempts: 2, startedAt: '2026-06-01T00:00:01.000Z' });

    const second = { attempt: 2, startedAt: '2026-06-01T00:00:03.000Z', durationMs: 7, statusCode: 200 };
    expect(await store.finish(base, { status: 'success', resultData: { ok: 1 } }, new Date('2026-06-01T00:00:04.000Z'), 2, second)).toBe(true);
    const done = await store.get(base.executionId);
    expect(done).toMatchObject({ status: 'success', attempts: 2, resultData: { ok: 1 }, duration: 4000 });
    expect(done?.attemptLog.map((a) => a.attempt)).toEqual([1, 2]);
    expect(await redis.ttl(`${prefix}:exec:${base.executionId}:attempts`)).toBeGreaterThan(0);
    expect(await redis.zscore(`${prefix}:inst:pi_1:execs`, base.executionId)).toBe(String(Date.parse(base.createdAt)));

    // Once-only: a second finish changes nothing but its attempt still goes in the log.
    const late = { attempt: 3, startedAt: '2026-06-01T00:00:05.000Z', durationMs: 1, error: 'late' };
    const failed = { status: 'failed' as const, errorDetails: { type: 'timeout' as const, message: 'late' } };
    expect(await store.finish(base, failed, new Date(), 3, late)).toBe(false);
    expect(await store.get(base.executionId)).toMatchObject({ status: 'success', attempts: 2 });
    expect((await store.get(base.executionId))?.attemptLog).toHaveLength(3);
  });

  it('does not start an attempt of a run that already ended, and writes nothing', async () => {
    await store.finish(base, { status: 'failed', errorDetails: { type: 'timeout', message: 'x' } }, new Date('2026-06-01T00:00:02.000Z'), 1);
    const before = await redis.hgetall(`${prefix}:exec:${base.executionId}`);
    expect(await store.recordAttemptStart(base, 2, '2026-06-01T00:00:09.000Z')).toBe(false);
    expect(await redis.hgetall(`${prefix}:exec:${base.executionId}`)).toEqual(before);
  });

  it('runs a script Redis has not seen (NOSCRIPT: first use, or after a Redis restart)', async () => {
    // A body no one has loaded, so EVALSHA must miss; no SCRIPT FLUSH on a shared Redis.
    const script = new LuaScript(`-- ${randomBytes(8).toString('hex')}\nreturn KEYS[1] .. ARGV[1]`, 1);
    expect(await script.run(redis, ['a', 'b'])).toBe('ab');
    expect(await script.run(redis, ['c', 'd'])).toBe('cd');
  });
});
