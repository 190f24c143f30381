import { SecretBox } from '../../src/secrets/secret-box';
import { urlRefusal } from '../../src/webhooks/url-policy';

describe('webhook URL policy (SSRF)', () => {
  test.each([
    ['http://example.com/hook', 'must be https'],
    ['https://127.0.0.1/hook', 'resolves to 127.0.0.1'],
    ['https://localhost/hook', 'private, loopback or link-local'],
    ['https://10.1.2.3/hook', 'resolves to 10.1.2.3'],
    ['https://169.254.169.254/latest/meta-data', 'resolves to 169.254.169.254'],
    ['https://[::1]/hook', 'resolves to ::1'],
    ['https://[::ffff:127.0.0.1]/hook', 'private, loopback or link-local'],
    ['https://user:pw@example.com/hook', 'must not carry credentials'],
    ['file:///etc/passwd', 'must be an http(s) URL'],
  ])('%s is refused in production mode', async (url, reason) => {
    expect(await urlRefusal(url, false)).toContain(reason);
  });

  test.each(['http://example.com/hook', 'https://127.0.0.1/hook'])('refusing %s names the setting that allows it', async (url) => {
    expect(await urlRefusal(url, false)).toContain('WEBHOOK_ALLOW_PRIVATE_URLS=true');
  });

  test('public addresses are allowed, and loopback only with the development setting', async () => {
    expect(await urlRefusal('https://93.184.216.34/hook', false)).toBeUndefined();
    expect(await urlRefusal('http://127.0.0.1:9000/hook', true)).toBeUndefined();
  });
});

describe('secrets at rest', () => {
  const box = new SecretBox(SecretBox.generateKey());

  test('a sealed secret opens to itself and does not contain it', () => {
    const sealed = box.seal('whsec_c2VjcmV0');
    expect(sealed).not.toContain('c2VjcmV0');
    expect(box.open(sealed)).toBe('whsec_c2VjcmV0');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  test('a tampered secret or another key fails to open', () => {
    const sealed = box.seal('whsec_c2VjcmV0');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(SecretBox.generateKey()).open(sealed)).toThrow();
  });
});
