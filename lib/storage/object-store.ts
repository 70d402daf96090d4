import type { Readable } from 'node:stream';
import type { PreparedBody } from './prepared-body.ts';

/** ObjectInfo is what a HEAD tells about an object. `metadata` keys are lower-case, without `x-amz-meta-`. */
export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  /** etag without quotes; `<hex>-<parts>` for multipart uploads. */
  etag: string;
  lastModified: Date;
  versionId?: string;
  contentType?: string;
  metadata: Record<string, string>;
}

/** ObjectSummary is one entry of a listing. */
export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

/** PutOptions are the optional parts of a write; ifNoneMatch '*' creates only, ifMatch replaces only that version. */
export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  ifNoneMatch?: '*';
  ifMatch?: string;
  signal?: AbortSignal;
}

/** ObjectStream is an object's content; `etag` is the ETag of the version read, when the backend says it. */
export type ObjectStream = Readable & { etag?: string };

/** ObjectStore is the port every domain uses to reach S3-protocol storage (MinIO in production). */
export interface ObjectStore {
  /** stat returns the object's info, or null when it does not exist. */
  stat(bucket: string, key: string, options?: { signal?: AbortSignal }): Promise<ObjectInfo | null>;
  /** getStream opens the object for reading (OBJECT_NOT_FOUND when absent); `offset` starts mid-object. */
  getStream(bucket: string, key: string, options?: { signal?: AbortSignal; offset?: number }): Promise<ObjectStream>;
  /** put writes an object; with a precondition it throws CONFLICT when the precondition fails. */
  put(
    bucket: string,
    key: string,
    body: string | Buffer | PreparedBody | Readable,
    options?: PutOptions,
  ): Promise<{ etag: string }>;
  /** list yields the objects under a prefix in key order, after `startAfter` when given. */
  list(
    bucket: string,
    prefix: string,
    options?: { startAfter?: string; recursive?: boolean; signal?: AbortSignal },
  ): AsyncIterable<ObjectSummary>;
  getTags(bucket: string, key: string): Promise<Record<string, string>>;
  setTags(bucket: string, key: string, tags: Record<string, string>): Promise<void>;
  /** copy copies an object server-side; metadata, when given, replaces the source's. */
  copy(
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    options?: { metadata?: Record<string, string> },
  ): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
  bucketExists(bucket: string): Promise<boolean>;
  ensureBucket(bucket: string): Promise<void>;
}
