import type { Readable } from 'node:stream';
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import type { ObjectInfo, ObjectStore, ObjectStream, ObjectSummary, PutOptions } from './object-store.ts';
import { isPreparedBody } from './prepared-body.ts';
import { guardObjectKeys } from './object-key.ts';
import { mapS3Error, mapStreamErrors } from './s3-errors.ts';
import { copyObjectSigned, lostRaceToConflict, putBuffer, type S3Target } from './s3-put.ts';

/** S3Connection says where the S3-protocol server is and how to sign for it. */
export interface S3Connection {
  endpoint: string;
  region: string;
  // a runtime Secret (prints as <secret>); only reveal() is used, so storage needs nothing of lib/runtime
  accessKey: { reveal(): string };
  secretKey: { reveal(): string };
  /** partSize raises minio-js's multipart threshold (servers without ListMultipartUploads need whole-object PUTs). */
  partSize?: number;
}

// Where each client connects, so the store can sign its small PUTs itself (s3-put.ts).
const targets = new WeakMap<Client, S3Target>();

/** createMinioClient builds a minio-js client from an endpoint URL such as http://minio.minio:9000. */
export function createMinioClient(connection: S3Connection): Client {
  const url = new URL(connection.endpoint);
  const useSSL = url.protocol === 'https:';
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    region: connection.region,
    accessKey: connection.accessKey.reveal(),
    secretKey: connection.secretKey.reveal(),
    pathStyle: true,
    ...(connection.partSize ? { partSize: connection.partSize } : {}),
  });
  targets.set(client, {
    url,
    region: connection.region,
    accessKey: connection.accessKey.reveal(),
    secretKey: connection.secretKey.reveal(),
  });
  return client;
}

/** createMinioStore adapts a minio-js client to the ObjectStore port, mapping every backend error to a catalog code. */
export function createMinioStore(client: Client): ObjectStore {
  const target = targets.get(client);
  return guardObjectKeys({
    async stat(bucket, key) {
      try {
        const stat = await client.statObject(bucket, key);
        const metadata: Record<string, string> = {};
        let contentType: string | undefined;
        for (const [name, value] of Object.entries(stat.metaData ?? {})) {
          const lower = name.toLowerCase();
          if (lower === 'content-type') contentType = String(value);
          else metadata[lower.replace(/^x-amz-meta-/, '')] = String(value);
        }
        const info: ObjectInfo = {
          bucket,
          key,
          size: stat.size,
          etag: stat.etag.replace(/"/g, ''),
          lastModified: stat.lastModified,
          metadata,
        };
        if (stat.versionId) info.versionId = stat.versionId;
        if (contentType) info.contentType = contentType;
        return info;
      } catch (err) {
        const mapped = mapS3Error(err, { bucket, key });
        if (mapped.code === 'OBJECT_NOT_FOUND') return null;
        throw mapped;
      }
    },

    async getStream(bucket, key, options = {}) {
      let stream: Readable;
      try {
        stream = options.offset
          ? await client.getPartialObject(bucket, key, options.offset)
          : await client.getObject(bucket, key);
      } catch (err) {
        throw mapS3Error(err, { bucket, key });
      }
      mapStreamErrors(stream, { bucket, key });
      // The GET's own ETag header names the version read: readers need no separate stat (one request, not two).
      const etag = (stream as Readable & { headers?: Record<string, string | string[] | undefined> }).headers?.etag;
      if (typeof etag === 'string') (stream as ObjectStream).etag = etag.replace(/"/g, '');
      const signal = options.signal;
      if (signal) {
        const abort = (): void => {
          stream.destroy(Object.assign(new Error('read aborted at the request deadline'), { name: 'AbortError' }));
        };
        if (signal.aborted) abort();
        else {
          signal.addEventListener('abort', abort, { once: true });
          stream.once('close', () => signal.removeEventListener('abort', abort));
        }
      }
      return stream as ObjectStream;
    },

    async put(bucket, key, body, options: PutOptions = {}) {
      if (target && (typeof body === 'string' || Buffer.isBuffer(body) || isPreparedBody(body)))
        return putBuffer(target, bucket, key, typeof body === 'string' ? Buffer.from(body) : body, options);
      if (isPreparedBody(body)) body = Buffer.concat(body.chunks);
      const headers: Record<string, string> = {};
      if (options.contentType) headers['Content-Type'] = options.contentType;
      for (const [name, value] of Object.entries(options.metadata ?? {})) headers[`X-Amz-Meta-${name}`] = value;
      if (options.ifNoneMatch) headers['If-None-Match'] = options.ifNoneMatch;
      if (options.ifMatch) headers['If-Match'] = options.ifMatch;
      try {
        const size =
          typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : undefined;
        const result = await client.putObject(bucket, key, body, size, headers);
        return { etag: String(result.etag ?? '').replace(/"/g, '') };
      } catch (err) {
        throw lostRaceToConflict(err, options, { bucket, key }) ?? mapS3Error(err, { bucket, key });
      }
    },

    async *list(bucket, prefix, options = {}) {
      const stream = client.listObjectsV2(bucket, prefix, options.recursive ?? true, options.startAfter ?? '');
      try {
        for await (const item of stream as AsyncIterable<{
          name?: string;
          size: number;
          etag?: string;
          lastModified?: Date;
        }>) {
          if (options.signal?.aborted) throw options.signal.reason;
          if (item.name === undefined) continue; // a common prefix in a non-recursive listing
          const summary: ObjectSummary = {
            key: item.name,
            size: item.size,
            etag: (item.etag ?? '').replace(/"/g, ''),
            lastModified: item.lastModified ?? new Date(0),
          };
          yield summary;
        }
      } catch (err) {
        throw mapS3Error(err, { bucket });
      }
    },

    async getTags(bucket, key) {
      try {
        const tags = (await client.getObjectTagging(bucket, key)) as unknown as
          | Array<{ Key: string; Value: string }>
          | Array<Array<{ Key: string; Value: string }>>;
        const flat = (tags as unknown[]).flat() as Array<{ Key: string; Value: string }>;
        return Object.fromEntries(flat.map((tag) => [tag.Key, String(tag.Value ?? '')]));
      } catch (err) {
        throw mapS3Error(err, { bucket, key });
      }
    },

    async setTags(bucket, key, tags) {
      try {
        await client.setObjectTagging(bucket, key, tags);
      } catch (err) {
        throw mapS3Error(err, { bucket, key });
      }
    },

    async copy(from, to, options = {}) {
      if (target) return copyObjectSigned(target, from, to, options);
      try {
        const source = new CopySourceOptions({ Bucket: from.bucket, Object: from.key });
        const dest = new CopyDestinationOptions({
          Bucket: to.bucket,
          Object: to.key,
          ...(options.metadata ? { UserMetadata: options.metadata, MetadataDirective: 'REPLACE' as const } : {}),
        });
        await client.copyObject(source, dest);
      } catch (err) {
        throw mapS3Error(err, { bucket: from.bucket, key: from.key });
      }
    },

    async remove(bucket, key) {
      try {
        await client.removeObject(bucket, key);
      } catch (err) {
        throw mapS3Error(err, { bucket, key });
      }
    },

    async bucketExists(bucket) {
      try {
        return await client.bucketExists(bucket);
      } catch (err) {
        throw mapS3Error(err, { bucket });
      }
    },

    async ensureBucket(bucket) {
      try {
        if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
        throw mapS3Error(err, { bucket });
      }
    },
  });
}
