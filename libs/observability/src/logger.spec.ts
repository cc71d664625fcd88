import { Writable } from 'node:stream';
import { createLogger, redactUrl } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger redaction', () => {
  it('censors keys, signatures and authorization headers', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        req: {
          headers: {
            'x-api-key': 'ck_secretvalue',
            'x-process-manager-key': 'cko_secretvalue',
            authorization: 'Bearer eyJsecret',
            'webhook-signature': 'v1,c2lnbmF0dXJl',
            'content-type': 'application/json',
          },
        },
        apiKey: 'ck_other',
        body: { card: '4242' },
      },
      'request',
    );
    const out = lines.join('');
    for (const leaked of ['ck_secretvalue', 'cko_secretvalue', 'eyJsecret', 'c2lnbmF0dXJl', 'ck_other', '4242']) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('application/json');
  });

  it('redacts api_key query values but keeps the path', () => {
    expect(redactUrl('/webhook/p/w?x=1&api_key=ck_abc&y=2')).toBe('/webhook/p/w?x=1&api_key=[REDACTED]&y=2');
    expect(redactUrl('/webhook/p/w?API_KEY=ck_abc')).toBe('/webhook/p/w?API_KEY=[REDACTED]');
  });
});
