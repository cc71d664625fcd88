import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('whsec_topsecret', 'ctx');
    expect(sealed).not.toContain('topsecret');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.open(sealed, 'ctx')).toBe('whsec_topsecret');
    expect(box.seal('same', 'ctx')).not.toBe(box.seal('same', 'ctx'));
  });

  it('refuses another context, another key and tampering', () => {
    const sealed = box.seal('value', 'signing:a');
    expect(() => box.open(sealed, 'signing:b')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'signing:a')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() => box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'signing:a')).toThrow();
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });
});
