import { createHash, timingSafeEqual } from 'node:crypto';
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
