import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session is what the signed cookie carries: who, whether read-only, and when it was issued and last used. */
export interface Session {
  id: string;
  user: string;
  readOnly: boolean;
  issuedAt: number;
  seenAt: number;
}

/** SessionPolicy says how long a session lives without use, and at most. */
export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export const SESSION_COOKIE = 'cmp_console_session';

function mac(key: string, purpose: string, text: string): string {
  return createHmac('sha256', key).update(`${purpose}\n${text}`).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** newSession starts a session for a user who just logged in. */
export function newSession(user: string, readOnly: boolean, now: number): Session {
  return { id: randomBytes(16).toString('base64url'), user, readOnly, issuedAt: now, seenAt: now };
}

/** sealSession is the cookie value: the session as base64url JSON and its HMAC-SHA256 under the session key. */
export function sealSession(key: string, session: Session): string {
  const body = Buffer.from(
    JSON.stringify([session.id, session.user, session.readOnly ? 1 : 0, session.issuedAt, session.seenAt]),
  ).toString('base64url');
  return `${body}.${mac(key, 'session', body)}`;
}

/** openSession checks a cookie value's signature and expiry: the session, or why it is refused. */
export function openSession(
  key: string,
  value: string,
  now: number,
  policy: SessionPolicy,
): { session: Session } | { refused: 'forged' | 'expired' } {
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || !sameText(value.slice(dot + 1), mac(key, 'session', value.slice(0, dot))))
    return { refused: 'forged' };
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(value.slice(0, dot), 'base64url').toString('utf8'));
  } catch {
    return { refused: 'forged' };
  }
  if (!Array.isArray(fields) || fields.length !== 5) return { refused: 'forged' };
  const [id, user, ro, issuedAt, seenAt] = fields as [string, string, number, number, number];
  if (now - seenAt > policy.idleMs || now - issuedAt > policy.maxMs) return { refused: 'expired' };
  return { session: { id, user, readOnly: ro === 1, issuedAt, seenAt } };
}

/** csrfToken is the form token bound to one session (or a login nonce): an HMAC, so nothing is stored. */
export function csrfToken(key: string, bound: string): string {
  return mac(key, 'csrf', bound);
}

/** csrfMatches checks a posted form token in constant time. */
export function csrfMatches(key: string, bound: string, token: string | null | undefined): boolean {
  return typeof token === 'string' && token.length > 0 && sameText(token, csrfToken(key, bound));
}

/** readCookies parses a Cookie header into a map (the first value of a repeated name wins, as browsers send the most specific first). */
export function readCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of (header ?? '').split(';')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** cookieHeader prints a Set-Cookie value: HttpOnly, SameSite=Strict, no Path (the console's own path prefix), Secure when asked. */
export function cookieHeader(
  name: string,
  value: string,
  options: { maxAgeSeconds?: number; secure: boolean },
): string {
  return `${name}=${value}; HttpOnly; SameSite=Strict${options.maxAgeSeconds !== undefined ? `; Max-Age=${options.maxAgeSeconds}` : ''}${options.secure ? '; Secure' : ''}`;
}
