import { opsError } from '#lib/runtime/errors.ts';
import type { ObjectStore } from './object-store.ts';

// C0 controls, DEL and C1 controls: a NUL, CR or ESC in a key cannot be signed or sent as it is, and a key that can
// never be read must not be retried forever.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// S3 caps a key at 1024 bytes of UTF-8.
const MAX_KEY_BYTES = 1024;

/**
 * objectKeyProblem says why a key is unsafe to pass to S3 (a control character, a `.` or `..` segment, which a
 * path-style URL resolves into another key or bucket, or more than 1024 bytes), or undefined when it is fine.
 */
export function objectKeyProblem(key: string): string | undefined {
  if (key === '') return 'is empty';
  const control = CONTROL.exec(key);
  if (control)
    return `has the control character U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at index ${control.index}`;
  const segments = key.split('/');
  const dot = segments.findIndex((s) => s === '.' || s === '..');
  if (dot >= 0) return `has a "${segments[dot]}" segment (segment ${dot + 1})`;
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  return undefined;
}

/** checkObjectKey returns the key when it is safe, else throws BAD_OBJECT_KEY (400) naming `field`. */
export function checkObjectKey(key: string, field = 'key'): string {
  const problem = objectKeyProblem(key);
  if (problem)
    throw opsError('BAD_OBJECT_KEY', `object key ${JSON.stringify(key)} ${problem}`, [{ field, reason: problem }]);
  return key;
}

/**
 * guardObjectKeys makes a store refuse unsafe keys (BAD_OBJECT_KEY, permanent) before any request is sent, so no
 * caller can reach another key through `..`, and a key S3 cannot take is not reported as S3 being down (503).
 */
export function guardObjectKeys(store: ObjectStore): ObjectStore {
  return {
    stat: (bucket, key, options) => guarded(key, () => store.stat(bucket, key, options)),
    getStream: (bucket, key, options) => guarded(key, () => store.getStream(bucket, key, options)),
    put: (bucket, key, body, options) => guarded(key, () => store.put(bucket, key, body, options)),
    getTags: (bucket, key) => guarded(key, () => store.getTags(bucket, key)),
    setTags: (bucket, key, tags) => guarded(key, () => store.setTags(bucket, key, tags)),
    copy: (from, to, options) => guarded(from.key, () => guarded(to.key, () => store.copy(from, to, options))),
    remove: (bucket, key) => guarded(key, () => store.remove(bucket, key)),
    list: (bucket, prefix, options) => store.list(bucket, prefix, options),
    bucketExists: (bucket) => store.bucketExists(bucket),
    ensureBucket: (bucket) => store.ensureBucket(bucket),
  };
}

async function guarded<T>(key: string, call: () => Promise<T>): Promise<T> {
  checkObjectKey(key);
  return call();
}
