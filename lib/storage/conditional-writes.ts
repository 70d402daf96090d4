import type { ObjectStore } from './object-store.ts';

/** ConditionalWriteSupport says which preconditions on PUT a server enforces (s3rver ignores both; MinIO and RGW honour them). */
export interface ConditionalWriteSupport {
  /** ifNoneMatch: `If-None-Match: *` refuses to overwrite an existing key (412). */
  ifNoneMatch: boolean;
  /** ifMatch: `If-Match: <etag>` refuses to replace another version than the one named (412). */
  ifMatch: boolean;
}

const isConflict = (err: unknown): boolean => (err as { code?: string }).code === 'CONFLICT';

/**
 * probeConditionalWrites finds out, with four small writes under `key` in `bucket` (removed after), whether the
 * server enforces If-None-Match and If-Match on PUT. The ETag sent is the unquoted one, the only form Ceph RGW
 * Pacific matches. Storage errors other than a refused precondition propagate.
 */
export async function probeConditionalWrites(
  store: ObjectStore,
  bucket: string,
  key = '.cmp-ops/probe-conditional-writes',
): Promise<ConditionalWriteSupport> {
  const first = await store.put(bucket, key, 'probe 1');
  try {
    const ifNoneMatch = await store.put(bucket, key, 'probe 2', { ifNoneMatch: '*' }).then(
      () => false,
      (err) => (isConflict(err) ? true : Promise.reject(err)),
    );
    const current = (await store.stat(bucket, key))?.etag ?? first.etag;
    const stale = current === first.etag ? 'ffffffffffffffffffffffffffffffff' : first.etag;
    const refusesStale = await store.put(bucket, key, 'probe 3', { ifMatch: stale }).then(
      () => false,
      (err) => (isConflict(err) ? true : Promise.reject(err)),
    );
    // a server that refused the stale ETag must also accept the right one, or If-Match is unusable (a quoting quirk)
    const acceptsCurrent = refusesStale
      ? await store.put(bucket, key, 'probe 4', { ifMatch: current }).then(
          () => true,
          (err) => (isConflict(err) ? false : Promise.reject(err)),
        )
      : false;
    return { ifNoneMatch, ifMatch: refusesStale && acceptsCurrent };
  } finally {
    await store.remove(bucket, key).catch(() => undefined);
  }
}
