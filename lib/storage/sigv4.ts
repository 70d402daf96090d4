import aws4 from 'aws4';

/** SignTarget is a server and the key pair to sign for it. */
export interface SignTarget {
  url: URL;
  region: string;
  accessKey: string;
  secretKey: string;
}

/**
 * signRequest returns the headers of a SigV4-signed request (aws4, a small maintained signer): `path` is already
 * escaped per RFC 3986 and may carry a query; `sha256` is the payload's hex SHA-256, sent as x-amz-content-sha256,
 * which S3 servers (RGW among them) require. `service` is `s3`, or `sns` for RGW's topic API.
 */
export function signRequest(
  target: SignTarget,
  request: { method: string; path: string; headers: Record<string, string>; sha256: string; service?: string },
): Record<string, string> {
  const headers: Record<string, string> = {
    ...request.headers,
    host: target.url.host,
    'x-amz-content-sha256': request.sha256,
  };
  const signed = aws4.sign(
    {
      host: target.url.host,
      method: request.method,
      path: request.path,
      headers,
      service: request.service ?? 's3',
      region: target.region,
    },
    { accessKeyId: target.accessKey, secretAccessKey: target.secretKey },
  );
  return signed.headers as Record<string, string>;
}
