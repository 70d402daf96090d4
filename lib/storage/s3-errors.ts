import type { Readable } from 'node:stream';
import { isOpsError, opsError, type OpsError } from '#lib/runtime/errors.ts';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RETRYABLE_S3 = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'XMinioServerNotInitialized',
  'XMinioReadQuorum',
  'XMinioWriteQuorum',
  'OperationTimedOut',
  'RequestTimeTooSkewed',
]);
const DENIED_S3 = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AllAccessDisabled',
  'ExpiredToken',
]);

/**
 * mapS3Error turns a minio-js or network error into a catalog error: not found, precondition (CONFLICT), denied
 * (permanent) or unavailable (retryable: the edge answers 503 so MinIO redelivers the event).
 */
export function mapS3Error(err: unknown, what: { bucket: string; key?: string }): OpsError {
  const e = err as { code?: string; name?: string; message?: string; statusCode?: number; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const where = what.key === undefined ? what.bucket : `${what.bucket}/${what.key}`;
  if (e.name === 'AbortError')
    return opsError('DEADLINE_EXCEEDED', `storage call for ${where} aborted`, [], { cause: err });
  if (code === 'NoSuchKey' || code === 'NotFound' || (code === '' && e.statusCode === 404 && what.key !== undefined)) {
    return opsError('OBJECT_NOT_FOUND', `object ${where} does not exist`, [{ field: 'key', reason: 'not found' }], {
      cause: err,
    });
  }
  if (code === 'NoSuchBucket')
    return opsError(
      'BUCKET_NOT_FOUND',
      `bucket ${what.bucket} does not exist`,
      [{ field: 'bucket', reason: 'not found' }],
      { cause: err },
    );
  if (code === 'PreconditionFailed' || e.statusCode === 412)
    return opsError('CONFLICT', `${where} changed concurrently`, [], { cause: err });
  if (DENIED_S3.has(code)) return opsError('STORAGE_DENIED', `storage refused ${where}: ${code}`, [], { cause: err });
  if (
    NETWORK_CODES.has(code) ||
    RETRYABLE_S3.has(code) ||
    (e.statusCode ?? 0) >= 500 ||
    e.statusCode === 429 ||
    /socket hang up|network|timeout/i.test(e.message ?? '')
  ) {
    return opsError('STORAGE_UNAVAILABLE', `storage unavailable for ${where}: ${code || e.message}`, [], {
      cause: err,
      retryable: true,
    });
  }
  if ((e.statusCode ?? 0) >= 400)
    return opsError('STORAGE_DENIED', `storage rejected the request for ${where}: ${code || e.message}`, [], {
      cause: err,
    });
  // Unknown failure without an HTTP status: treat as transient so the event comes back rather than being lost.
  return opsError('STORAGE_UNAVAILABLE', `storage failed for ${where}: ${code || e.message}`, [], {
    cause: err,
    retryable: true,
  });
}

/**
 * mapStreamErrors makes an object stream fail with a catalog error too: S3 dying mid-body destroys the response with
 * a raw ECONNRESET ("aborted"), which must read as STORAGE_UNAVAILABLE (503, redelivered), like S3 down at the start.
 */
export function mapStreamErrors<S extends Readable>(stream: S, what: { bucket: string; key: string }): S {
  // Hooking _destroy maps the error before the stream records and emits it, at no cost per chunk.
  const destroy = stream._destroy.bind(stream);
  stream._destroy = (err, callback) =>
    destroy(err, (final) => callback(final && !isOpsError(final) ? mapS3Error(final, what) : final));
  return stream;
}
