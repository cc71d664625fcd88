import { type AttemptOutcome, classifyDispatchError, parseRetryAfter } from './classify-dispatch-error';

describe('classifyDispatchError', () => {
  const cases: Array<[string, AttemptOutcome, boolean, string, string?]> = [
    ['500 retries', { kind: 'response', statusCode: 500 }, false, 'retry', 'external_api_error'],
    ['503 retries', { kind: 'response', statusCode: 503 }, false, 'retry', 'external_api_error'],
    ['408 retries', { kind: 'response', statusCode: 408 }, false, 'retry', 'external_api_error'],
    ['429 retries', { kind: 'response', statusCode: 429 }, false, 'retry', 'external_api_error'],
    ['400 fails at once', { kind: 'response', statusCode: 400 }, false, 'fail', 'external_api_error'],
    ['404 fails at once', { kind: 'response', statusCode: 404 }, false, 'fail', 'external_api_error'],
    ['422 fails at once', { kind: 'response', statusCode: 422 }, false, 'fail', 'external_api_error'],
    ['network error retries', { kind: 'network', code: 'ECONNREFUSED', message: 'refused' }, false, 'retry', 'external_api_error'],
    ['timeout retries', { kind: 'timeout', timeoutMs: 100 }, false, 'retry', 'timeout'],
    ['last 500 fails', { kind: 'response', statusCode: 500 }, true, 'fail', 'external_api_error'],
    ['last timeout fails as timeout', { kind: 'timeout', timeoutMs: 100 }, true, 'fail', 'timeout'],
    ['open breaker delays, even on the last attempt', { kind: 'breaker_open', origin: 'http://x' }, true, 'delay', undefined],
  ];
  it.each(cases)('%s', (_name, outcome, last, action, type) => {
    const decision = classifyDispatchError(outcome, last);
    expect(decision.action).toBe(action);
    if (type) expect('details' in decision && decision.details.type).toBe(type);
  });

  it('carries the status code and a 429 Retry-After delay', () => {
    const decision = classifyDispatchError({ kind: 'response', statusCode: 429, retryAfterSec: 7 }, false);
    expect(decision).toMatchObject({ action: 'retry', delayMs: 7000, details: { code: 'HTTP_429' } });
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('999999')).toBe(3600);
  });
});
