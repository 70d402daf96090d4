import { opsError } from '#lib/runtime/errors.ts';
import type { ObjectStore } from './object-store.ts';
import type { PreparedBody } from './prepared-body.ts';

/** StateRecord is a stored JSON value with the etag to update it conditionally. */
export interface StateRecord<T> {
  value: T;
  etag: string;
}

/** StateStore keeps durable JSON state (verdicts, cursors, checkpoints, alert groups) in the state bucket. */
export interface StateStore {
  readonly bucket: string;
  read<T>(key: string): Promise<StateRecord<T> | null>;
  /** create writes only when the key is absent ('exists' otherwise): the idempotency primitive. */
  create<T>(key: string, value: T): Promise<'created' | 'exists'>;
  /** write replaces the value; with ifMatch it throws CONFLICT when someone else wrote since that etag, with ifNoneMatch when the key exists. */
  write<T>(key: string, value: T, options?: { ifMatch?: string; ifNoneMatch?: '*' }): Promise<{ etag: string }>;
  /**
   * writeText is write for a value already serialized as JSON (taken at a consistent moment by the caller): text, or
   * its UTF-8 bytes prepared ahead (a PreparedBody).
   */
  writeText(
    key: string,
    text: string | PreparedBody,
    options?: { ifMatch?: string; ifNoneMatch?: '*' },
  ): Promise<{ etag: string }>;
  /** update applies `change` to the current value with optimistic concurrency, retrying on CONFLICT; null deletes nothing and writes nothing. */
  update<T>(key: string, change: (current: T | null) => T | null, options?: { attempts?: number }): Promise<T | null>;
  list(prefix: string, options?: { startAfter?: string }): AsyncIterable<string>;
  remove(key: string): Promise<void>;
}

/**
 * createStateStore stores each record as JSON at `key` in `bucket`. Conditional writes use If-None-Match/If-Match,
 * which MinIO and Ceph RGW honour (RGW's lost races, HTTP 500 UnknownError, arrive here as CONFLICT). The fallback
 * for servers that ignore them (s3rver; `probeConditionalWrites` tells): create reads first and create/update of one
 * key are serialized inside the process, so only writers in different processes could race there — which the
 * single-writer functions (`com.openfaas.scale.max: 1`) never are.
 */
export function createStateStore(store: ObjectStore, bucket: string): StateStore {
  const queues = new Map<string, Promise<unknown>>();
  // One key's create/update calls run one after another in this process: the fallback when preconditions are ignored.
  const serialized = <R>(key: string, work: () => Promise<R>): Promise<R> => {
    const previous = queues.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return result;
  };
  const read = async <T>(key: string): Promise<StateRecord<T> | null> => {
    // One GET: its ETag header is the version read (a stat only when the backend does not say it).
    let text = '';
    let etag: string | undefined;
    try {
      const stream = await store.getStream(bucket, key);
      etag = stream.etag;
      // one decoder across chunks: a character split between two chunks must not become two U+FFFD
      const decoder = new TextDecoder();
      for await (const chunk of stream)
        text += typeof chunk === 'string' ? chunk : decoder.decode(chunk as Buffer, { stream: true });
      text += decoder.decode();
    } catch (err) {
      if ((err as { code?: string }).code === 'OBJECT_NOT_FOUND') return null;
      throw err;
    }
    if (etag === undefined) {
      const info = await store.stat(bucket, key);
      if (!info) return null;
      etag = info.etag;
    }
    try {
      return { value: JSON.parse(text) as T, etag };
    } catch {
      throw opsError('INTERNAL', `state record ${bucket}/${key} is not valid JSON`);
    }
  };

  const writeText = async (
    key: string,
    text: string | PreparedBody,
    options: { ifMatch?: string; ifNoneMatch?: '*' } = {},
  ): Promise<{ etag: string }> => store.put(bucket, key, text, { contentType: 'application/json', ...options });
  const write = async <T>(
    key: string,
    value: T,
    options: { ifMatch?: string; ifNoneMatch?: '*' } = {},
  ): Promise<{ etag: string }> => writeText(key, `${JSON.stringify(value)}\n`, options);

  return {
    bucket,
    read,
    write,
    writeText,
    create: (key, value) =>
      serialized(key, async () => {
        if (await store.stat(bucket, key)) return 'exists' as const;
        try {
          await write(key, value, { ifNoneMatch: '*' });
          return 'created' as const;
        } catch (err) {
          if ((err as { code?: string }).code === 'CONFLICT') return 'exists' as const;
          throw err;
        }
      }),
    update: (key, change, options = {}) =>
      serialized(key, async () => {
        const attempts = options.attempts ?? 5;
        for (let attempt = 1; ; attempt++) {
          const current = await read<Parameters<typeof change>[0] & object>(key);
          const next = change(current ? current.value : null);
          if (next === null) return current ? current.value : null;
          try {
            await write(key, next, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
            return next;
          } catch (err) {
            if ((err as { code?: string }).code !== 'CONFLICT' || attempt >= attempts) throw err;
          }
        }
      }),
    async *list(prefix, options = {}) {
      for await (const item of store.list(bucket, prefix, {
        recursive: true,
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      }))
        yield item.key;
    },
    async remove(key) {
      await store.remove(bucket, key);
    },
  };
}
