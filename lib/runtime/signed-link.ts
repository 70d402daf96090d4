import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * signLink signs a subject and an expiry (epoch ms) with a secret key, as a query string `g=…&x=…&s=…`: the
 * credential of a link that arrives without a bearer token (an acknowledgement link, a gateway callback).
 */
export function signLink(key: string, subject: string, expiresAt: number): string {
  const g = Buffer.from(subject, 'utf8').toString('base64url');
  const s = createHmac('sha256', key).update(`${g}.${expiresAt}`).digest('base64url');
  return `g=${g}&x=${expiresAt}&s=${s}`;
}

/** verifyLink checks a signed link's signature (in constant time) and expiry; it returns the subject or a reason. */
export function verifyLink(
  key: string,
  params: URLSearchParams,
  now: number,
): { subject: string } | { reason: string } {
  const g = params.get('g') ?? '';
  const x = Number(params.get('x'));
  const s = Buffer.from(params.get('s') ?? '', 'base64url');
  const expected = createHmac('sha256', key).update(`${g}.${x}`).digest();
  if (s.length !== expected.length || !timingSafeEqual(s, expected)) return { reason: 'bad signature' };
  if (!Number.isFinite(x) || x < now) return { reason: 'link expired' };
  return { subject: Buffer.from(g, 'base64url').toString('utf8') };
}
