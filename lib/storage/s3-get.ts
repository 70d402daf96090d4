import type { IncomingMessage } from 'node:http';
import type { ObjectStream } from './object-store.ts';
import { mapS3Error, mapStreamErrors } from './s3-errors.ts';
import { escapeKey, type S3Target } from './s3-put.ts';
import { s3ErrorOf, sendSigned } from './s3-request.ts';
import { signRequest } from './sigv4.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** GetOptions: `offset` reads from that byte on (a Range request). */
export interface GetOptions {
  offset?: number;
}

/**
 * getObjectSigned opens an object's body with one signed GET: the response itself is the stream, no client library
 * in between (minio-js's getObject costs its module load and wrappers, which a one-shot `cmp-ops verify s3://…`
 * pays in full). The ETag of the version read comes with it; errors come out mapped to the catalog.
 */
export async function getObjectSigned(
  target: S3Target,
  bucket: string,
  key: string,
  options: GetOptions = {},
): Promise<ObjectStream> {
  const path = `/${bucket}/${escapeKey(key)}`;
  const range: Record<string, string> = options.offset ? { range: `bytes=${options.offset}-` } : {};
  const headers = signRequest(target, { method: 'GET', path, headers: range, sha256: EMPTY_SHA256 });
  let res: IncomingMessage;
  try {
    res = await sendSigned(target, { method: 'GET', path, headers, write: (req) => req.end(), resendStale: true });
  } catch (err) {
    throw mapS3Error(err, { bucket, key });
  }
  const status = res.statusCode ?? 0;
  if (status !== 200 && status !== 206) {
    let text = '';
    res.setEncoding('utf8');
    for await (const chunk of res) text += chunk as string;
    throw mapS3Error(s3ErrorOf(text, status), { bucket, key });
  }
  const stream = mapStreamErrors(res, { bucket, key }) as IncomingMessage & ObjectStream;
  const etag = res.headers.etag;
  if (typeof etag === 'string') stream.etag = etag.replace(/"/g, '');
  return stream;
}
