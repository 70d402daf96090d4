import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { opsError } from '#lib/runtime/errors.ts';
import { isPreparedBody, type ObjectInfo, type ObjectStore, type ObjectSummary } from '#lib/storage/index.ts';

interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

/**
 * createMemoryStore is an in-process ObjectStore for unit tests of cores. It honours If-None-Match/If-Match like
 * MinIO does. Integration tests use a real S3-protocol server instead. `now` dates new objects.
 */
export function createMemoryStore(
  now: () => Date = () => new Date(0),
): ObjectStore & { buckets: Map<string, Map<string, StoredObject>> } {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const bucketOf = (bucket: string): Map<string, StoredObject> => {
    const found = buckets.get(bucket);
    if (!found) throw opsError('BUCKET_NOT_FOUND', `bucket ${bucket} does not exist`);
    return found;
  };
  const objectOf = (bucket: string, key: string): StoredObject => {
    const found = bucketOf(bucket).get(key);
    if (!found) throw opsError('OBJECT_NOT_FOUND', `object ${bucket}/${key} does not exist`);
    return found;
  };
  return {
    buckets,
    async stat(bucket, key) {
      const object = bucketOf(bucket).get(key);
      if (!object) return null;
      const info: ObjectInfo = {
        bucket,
        key,
        size: object.body.length,
        etag: object.etag,
        lastModified: object.lastModified,
        metadata: { ...object.metadata },
      };
      if (object.contentType) info.contentType = object.contentType;
      return info;
    },
    async getStream(bucket, key, options = {}) {
      const object = objectOf(bucket, key);
      return Object.assign(Readable.from([object.body.subarray(options.offset ?? 0)]), { etag: object.etag });
    },
    async put(bucket, key, body, options = {}) {
      const objects = bucketOf(bucket);
      const existing = objects.get(key);
      if (options.ifNoneMatch === '*' && existing) throw opsError('CONFLICT', `${bucket}/${key} exists`);
      if (options.ifMatch !== undefined && existing?.etag !== options.ifMatch)
        throw opsError('CONFLICT', `${bucket}/${key} changed`);
      let buffer: Buffer;
      if (typeof body === 'string') buffer = Buffer.from(body);
      else if (Buffer.isBuffer(body)) buffer = body;
      else if (isPreparedBody(body)) buffer = Buffer.concat(body.chunks);
      else {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
        buffer = Buffer.concat(chunks);
      }
      const etag = createHash('md5').update(buffer).digest('hex');
      const stored: StoredObject = {
        body: buffer,
        etag,
        lastModified: now(),
        metadata: { ...options.metadata },
        tags: {},
      };
      if (options.contentType) stored.contentType = options.contentType;
      objects.set(key, stored);
      return { etag };
    },
    async *list(bucket, prefix, options = {}) {
      const keys = [...bucketOf(bucket).keys()]
        .filter((key) => key.startsWith(prefix) && (!options.startAfter || key > options.startAfter))
        .sort();
      for (const key of keys) {
        const object = bucketOf(bucket).get(key);
        if (!object) continue;
        const summary: ObjectSummary = {
          key,
          size: object.body.length,
          etag: object.etag,
          lastModified: object.lastModified,
        };
        yield summary;
      }
    },
    async getTags(bucket, key) {
      return { ...objectOf(bucket, key).tags };
    },
    async setTags(bucket, key, tags) {
      objectOf(bucket, key).tags = { ...tags };
    },
    async copy(from, to, options = {}) {
      const source = objectOf(from.bucket, from.key);
      bucketOf(to.bucket).set(to.key, {
        ...source,
        body: Buffer.from(source.body),
        metadata: options.metadata ? { ...options.metadata } : { ...source.metadata },
        tags: {},
        lastModified: now(),
      });
    },
    async remove(bucket, key) {
      bucketOf(bucket).delete(key);
    },
    async bucketExists(bucket) {
      return buckets.has(bucket);
    },
    async ensureBucket(bucket) {
      if (!buckets.has(bucket)) buckets.set(bucket, new Map());
    },
  };
}
