import { Secret } from '#lib/runtime/secrets.ts';
import {
  createMinioClient,
  createMinioStore,
  readObjectBlocks,
  type ObjectStore,
  type S3Connection,
} from '#lib/storage/index.ts';
import { UsageError, type CliIO } from './io.ts';

// The functions' settings (S3_* env), defaulting to the local stack's server.
function connectionFromEnv(io: CliIO): S3Connection {
  return {
    endpoint: io.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000',
    region: io.env.S3_REGION ?? 'us-east-1',
    accessKey: new Secret(io.env.S3_ACCESS_KEY ?? 'minioadmin'),
    secretKey: new Secret(io.env.S3_SECRET_KEY ?? 'minioadmin'),
  };
}

/** storeFromEnv connects with the functions' settings (S3_* env), defaulting to the local stack's server. */
export function storeFromEnv(io: CliIO): ObjectStore {
  return createMinioStore(createMinioClient(connectionFromEnv(io)));
}

/**
 * openObjectFromEnv reads `s3://bucket/key` with one signed GET, no S3 client library loaded, for a consumer that uses
 * each block before asking for the next (readObjectBlocks: the blocks share one buffer).
 */
export function openObjectFromEnv(url: string, io: CliIO): Promise<AsyncIterable<Uint8Array>> {
  const { bucket, key } = parseS3Url(url);
  const c = connectionFromEnv(io);
  return readObjectBlocks(
    { url: new URL(c.endpoint), region: c.region, accessKey: c.accessKey.reveal(), secretKey: c.secretKey.reveal() },
    bucket,
    key,
  );
}

/** parseS3Url splits `s3://bucket/key`. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new UsageError(`${url} is not s3://bucket/key`);
  return { bucket: m[1]!, key: m[2]! };
}
