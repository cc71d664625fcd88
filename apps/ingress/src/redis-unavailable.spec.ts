import { ApiError } from '@sluice/errors';
import { withRedisDeadline } from './redis-unavailable';

describe('withRedisDeadline', () => {
  it('answers with the operation when it settles in time', async () => {
    await expect(withRedisDeadline(Promise.resolve('queued'), 1000)).resolves.toBe('queued');
  });

  it('refuses with REDIS_UNAVAILABLE and Retry-After once the deadline passes', async () => {
    const hanging = new Promise<never>(() => {});
    const started = Date.now();
    const error = await withRedisDeadline(hanging, 30).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('REDIS_UNAVAILABLE');
    expect((error as ApiError).retryAfterSec).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('turns a connection failure into REDIS_UNAVAILABLE', async () => {
    const refused = Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    await expect(withRedisDeadline(refused, 1000)).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });

  it('passes any other failure through unchanged', async () => {
    const bug = new TypeError('not a Redis problem');
    await expect(withRedisDeadline(Promise.reject(bug), 1000)).rejects.toBe(bug);
  });

  it('leaves no timer behind once the operation settles', async () => {
    jest.useFakeTimers();
    try {
      await withRedisDeadline(Promise.resolve(1), 60_000);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
