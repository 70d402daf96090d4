import { MANIFEST_NAMES, SIDECAR_SUFFIXES } from '#lib/integrity/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import type { ObjectStore } from '#lib/storage/index.ts';

/** isChecksumFile tells the sidecars and manifests apart from the delivered data they describe. */
export function isChecksumFile(key: string): boolean {
  return SIDECAR_SUFFIXES.some((s) => key.endsWith(s)) || MANIFEST_NAMES.includes(key.split('/').pop() ?? '');
}

/** readSmallText reads a small object (a manifest) whole, refusing more than `limit` bytes; null when absent. */
export async function readSmallText(store: ObjectStore, bucket: string, key: string, limit: number, signal?: AbortSignal): Promise<string | null> {
  let stream;
  try {
    stream = await store.getStream(bucket, key, signal ? { signal } : {});
  } catch (err) {
    if ((err as { code?: string }).code === 'OBJECT_NOT_FOUND') return null;
    throw err;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) {
      stream.destroy();
      throw opsError('BAD_REQUEST', `s3://${bucket}/${key} is larger than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
