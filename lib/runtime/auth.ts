import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from './secrets.ts';

/** bearerMatches tells whether an Authorization header carries exactly `Bearer <token>`, compared in constant time. */
export function bearerMatches(header: string | null, token: Secret): boolean {
  if (!header) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  // Hash both sides so the comparison time does not depend on the expected token's length.
  const given = createHash('sha256').update(match[1]!).digest();
  let expected = expectedDigests.get(token);
  if (!expected) expectedDigests.set(token, (expected = createHash('sha256').update(token.reveal()).digest()));
  return timingSafeEqual(given, expected);
}

// the digest of each expected token, made once per secret (a rotated secret is a new Secret)
const expectedDigests = new WeakMap<Secret, Buffer>();

/** EVENT_TOKEN_PARAM is the query parameter that carries a per-function event token (Ceph RGW sends no header). */
export const EVENT_TOKEN_PARAM = 'cmp_ops_event_token';

/**
 * eventTokenFor derives the token an object-event endpoint URL carries for one function: HMAC-SHA256 of the function
 * name keyed with the invoke token. A URL read from a topic's settings thus opens that one function, not every one,
 * and rotating the invoke token rotates it.
 */
export function eventTokenFor(token: Secret, functionName: string): string {
  return createHmac('sha256', token.reveal()).update(`cmp-ops-event:${functionName}`).digest('base64url');
}

/** eventTokenMatches tells whether a POST's URL carries this function's event token, compared in constant time. */
export function eventTokenMatches(
  request: { method: string; url: string },
  token: Secret,
  functionName: string,
): boolean {
  if (request.method !== 'POST') return false;
  const given = new URL(request.url).searchParams.get(EVENT_TOKEN_PARAM);
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(eventTokenFor(token, functionName)).digest();
  return timingSafeEqual(a, b);
}

/** redactEventToken hides an event token in a logged request path. */
export function redactEventToken(path: string | undefined): string | undefined {
  return path?.replace(new RegExp(`([?&]${EVENT_TOKEN_PARAM}=)[^&]*`), '$1<secret>');
}
