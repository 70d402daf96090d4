import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { opsError } from './errors.ts';

const REDACTED = '<secret>';

/** Secret holds a credential that prints as `<secret>` everywhere (logs, JSON, inspection); `reveal()` gives the value. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** reveal returns the credential itself, for the one place that must send it. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

/** SecretReader reads OpenFaaS secrets: `<dir>/<name>` files first, then the named environment fallback. */
export interface SecretReader {
  /** get returns the secret or throws SECRET_MISSING naming it. */
  get(name: string): Secret;
  /** find returns the secret or undefined. */
  find(name: string): Secret | undefined;
}

/** ENV_FALLBACKS names the environment variable the local stack may use instead of a secret file. */
export const ENV_FALLBACKS: Record<string, string> = {
  'cmp-ops-invoke-token': 'CMP_OPS_INVOKE_TOKEN',
  'cmp-ops-s3-access-key': 'S3_ACCESS_KEY',
  'cmp-ops-s3-secret-key': 'S3_SECRET_KEY',
  'cmp-ops-ack-key': 'CMP_OPS_ACK_KEY',
  'cmp-ops-testlink-devkey': 'CMP_OPS_TESTLINK_DEVKEY',
};

/**
 * createSecretReader reads secrets from `dir`, re-reading a file when its mtime changes (kubelet rotates mounted
 * secrets in place), and falls back to an environment variable (ENV_FALLBACKS or `fallbacks`) for the local stack.
 * A name is looked at again at most every `recheckMs` (1 s): a stat on every request, and the thrown ENOENT where
 * the environment supplies the secret, cost more than the rest of a small request.
 */
export function createSecretReader(
  dir: string,
  env: Record<string, string | undefined>,
  fallbacks: Record<string, string> = {},
  options: { recheckMs?: number; now?: () => number } = {},
): SecretReader {
  const recheckMs = options.recheckMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  const cache = new Map<string, { mtimeMs: number; secret: Secret | undefined; checkedAt: number }>();
  const names = { ...ENV_FALLBACKS, ...fallbacks };
  const find = (name: string): Secret | undefined => {
    const at = now();
    const hit = cache.get(name);
    if (hit && at - hit.checkedAt < recheckMs) return hit.secret;
    const path = join(dir, name);
    let entry: { mtimeMs: number; secret: Secret | undefined; checkedAt: number };
    try {
      const { mtimeMs } = statSync(path);
      entry =
        hit && hit.mtimeMs === mtimeMs
          ? hit
          : { mtimeMs, secret: new Secret(readFileSync(path, 'utf8').trim()), checkedAt: 0 };
    } catch {
      const envName = names[name];
      const value = envName ? env[envName] : undefined;
      entry = { mtimeMs: -1, secret: value ? new Secret(value) : undefined, checkedAt: 0 };
    }
    entry.checkedAt = at;
    cache.set(name, entry);
    return entry.secret;
  };
  return {
    find,
    get(name) {
      const secret = find(name);
      if (!secret || secret.reveal() === '') {
        throw opsError(
          'SECRET_MISSING',
          `secret ${name} is missing: no file ${join(dir, name)}${names[name] ? ` and no ${names[name]} variable` : ''}`,
        );
      }
      return secret;
    },
  };
}
