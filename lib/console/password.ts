import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** ConsoleUser is one line of the `cmp-ops-console-users` secret: a name and its password hash. */
export interface ConsoleUser {
  name: string;
  hash: string;
}

// OWASP's scrypt floor (N=2^17, r=8, p=1) needs 128 MiB per check; N=2^15 keeps a login at 32 MiB inside the
// function's 200 MiB while staying memory-hard. The parameters travel in the hash, so they can be raised later.
const DEFAULT = { N: 32768, r: 8, p: 1, keylen: 32 };
const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function derive(password: string, salt: Buffer, options: ScryptOptions & { keylen: number }): Promise<Buffer> {
  const { keylen, ...rest } = options;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keylen, { ...rest, maxmem: 256 * rest.N! * rest.r! }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** hashPassword makes `scrypt$N$r$p$salt$key` (base64url) with Node's crypto.scrypt and a random 16-byte salt. */
export async function hashPassword(password: string, params: Partial<typeof DEFAULT> = {}): Promise<string> {
  const p = { ...DEFAULT, ...params };
  const salt = randomBytes(16);
  const key = await derive(password, salt, p);
  return `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** verifyPassword checks a password against a hash made by hashPassword; a malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (
    ![N, r, p].every(Number.isInteger) ||
    N < 2 ||
    (N & (N - 1)) !== 0 ||
    N > 2 ** 20 ||
    r < 1 ||
    r > 32 ||
    p < 1 ||
    p > 16
  )
    return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 4 || expected.length < 16) return false;
  const key = await derive(password, salt, { N, r, p, keylen: expected.length });
  return timingSafeEqual(key, expected);
}

/** parseUsers reads the secret's `name:hash` lines (blank lines and `#` comments skipped); bad lines are reported by number. */
export function parseUsers(text: string): {
  users: Map<string, ConsoleUser>;
  rejects: Array<{ line: number; reason: string }>;
} {
  const users = new Map<string, ConsoleUser>();
  const rejects: Array<{ line: number; reason: string }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (colon <= 0 || !USER_NAME.test(name))
      rejects.push({ line: i + 1, reason: 'expected name:hash with a name of letters, digits, . _ -' });
    else if (!hash.startsWith('scrypt$') || hash.split('$').length !== 6)
      rejects.push({
        line: i + 1,
        reason: `hash of ${name} is not a scrypt$N$r$p$salt$key hash (cmp-ops console add-user)`,
      });
    else users.set(name, { name, hash });
  });
  return { users, rejects };
}

/** isUserName tells whether a name can be a console user (what add-user accepts). */
export function isUserName(name: string): boolean {
  return USER_NAME.test(name);
}
