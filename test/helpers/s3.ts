import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, type ObjectStore } from '#lib/storage/index.ts';
import { startEmbeddedS3, type EmbeddedS3 } from '../../scripts/local-stack/s3-server.ts';

/** TestS3 is a real S3-protocol server (s3rver over HTTP on a free port) with an ObjectStore on it. */
export interface TestS3 {
  server: EmbeddedS3;
  store: ObjectStore;
  endpoint: string;
  /** directory is where s3rver keeps the objects (`<bucket>/<key>._S3rver_object`), for tests that rot a stored byte. */
  directory: string;
  close(): Promise<void>;
}

/** startTestS3 starts s3rver on 127.0.0.1:0 in a temporary directory with the given buckets. */
export async function startTestS3(
  buckets: string[] = ['inbox', 'quarantine', 'reports', 'cmp-ops-state'],
): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'cmp-ops-s3-'));
  const server = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory,
    accessKey: 'testkey',
    secretKey: 'testsecret',
    buckets,
  });
  const store = createMinioStore(
    createMinioClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      accessKey: new Secret('testkey'),
      secretKey: new Secret('testsecret'),
    }),
  );
  return {
    server,
    store,
    endpoint: server.endpoint,
    directory,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
