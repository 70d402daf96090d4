import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, type ObjectStore } from '#lib/storage/index.ts';
import { UsageError, type CliIO } from './io.ts';

/** storeFromEnv connects with the functions' settings (S3_* env), defaulting to the local stack's server. */
export function storeFromEnv(io: CliIO): ObjectStore {
  return createMinioStore(
    createMinioClient({
      endpoint: io.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000',
      region: io.env.S3_REGION ?? 'us-east-1',
      accessKey: new Secret(io.env.S3_ACCESS_KEY ?? 'minioadmin'),
      secretKey: new Secret(io.env.S3_SECRET_KEY ?? 'minioadmin'),
    }),
  );
}

/** parseS3Url splits `s3://bucket/key`. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new UsageError(`${url} is not s3://bucket/key`);
  return { bucket: m[1]!, key: m[2]! };
}
