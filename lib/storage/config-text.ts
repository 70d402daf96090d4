import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { opsError, type ErrorCode } from '#lib/runtime/errors.ts';
import type { ObjectStore } from './object-store.ts';

/** CONFIG_TEXT_LIMIT is the largest configuration file read (a routing or release file is a few KiB). */
export const CONFIG_TEXT_LIMIT = 4 * 1024 * 1024;

/** ConfigTextOptions say where `state:` keys live, how much may be read, and which error a too large file is. */
export interface ConfigTextOptions {
  store?: ObjectStore;
  stateBucket: string;
  /** invalidCode is the catalog code of a file that is too large (ROUTING_INVALID, RELEASE_INVALID). */
  invalidCode: ErrorCode;
  maxBytes?: number;
  /** knownEtag, for a `state:` object, answers `unchanged` when the object still has that etag (nothing read). */
  knownEtag?: string;
  signal?: AbortSignal;
}

/** ConfigText is a configuration file's text, with the etag of the object it came from for `state:`. */
export type ConfigText = { text: string; etag?: string } | { unchanged: true };

/**
 * readConfigText reads a configuration file named `state:<key>` (an object in the state bucket) or `file:<path>`
 * (a mounted file), at most `maxBytes`, and answers null when it does not exist. A longer file is the caller's
 * invalid-configuration error, read no further than the limit.
 */
export async function readConfigText(spec: string, options: ConfigTextOptions): Promise<ConfigText | null> {
  const match = /^(state|file):(.+)$/s.exec(spec);
  if (!match) throw opsError('CONFIG_INVALID', `"${spec.slice(0, 80)}" is neither state:<key> nor file:<path>`);
  const scheme = match[1];
  const where = match[2]!;
  const limit = options.maxBytes ?? CONFIG_TEXT_LIMIT;
  if (scheme === 'file') {
    try {
      return {
        text: await readCapped(createReadStream(where, { highWaterMark: 64 * 1024 }), spec, limit, options.invalidCode),
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
  const store = options.store;
  if (!store) throw opsError('CONFIG_INVALID', `${spec} needs the object store`);
  const signal = options.signal ? { signal: options.signal } : {};
  const info = await store.stat(options.stateBucket, where, signal);
  if (!info) return null;
  if (options.knownEtag !== undefined && info.etag === options.knownEtag) return { unchanged: true };
  if (info.size > limit) throw tooLarge(spec, limit, options.invalidCode);
  try {
    return {
      text: await readCapped(
        await store.getStream(options.stateBucket, where, signal),
        spec,
        limit,
        options.invalidCode,
      ),
      etag: info.etag,
    };
  } catch (err) {
    if ((err as { code?: string }).code === 'OBJECT_NOT_FOUND') return null;
    throw err;
  }
}

/**
 * readConfigFileSync reads a mounted configuration file at start-up (a function that must refuse to start on a bad
 * file), at most `maxBytes` like readConfigText: a longer file is `invalidCode`, read no further than the limit.
 */
export function readConfigFileSync(path: string, invalidCode: ErrorCode, maxBytes = CONFIG_TEXT_LIMIT): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, 64 * 1024));
    const chunks: Buffer[] = [];
    let size = 0;
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      size += n;
      if (size > maxBytes) throw tooLarge(`file:${path}`, maxBytes, invalidCode);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

async function readCapped(
  stream: AsyncIterable<Buffer | string>,
  spec: string,
  limit: number,
  code: ErrorCode,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > limit) {
      (stream as { destroy?: () => void }).destroy?.();
      throw tooLarge(spec, limit, code);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(spec: string, limit: number, code: ErrorCode) {
  return opsError(code, `${spec} is larger than ${limit} bytes`, [{ field: spec, reason: `over ${limit} bytes` }]);
}
