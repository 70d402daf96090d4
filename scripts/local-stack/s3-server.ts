import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);
// s3rver is CommonJS; its account model is how a key pair other than S3RVER/S3RVER is accepted.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
const AWSAccount = require('s3rver/lib/models/account.js') as new (id: number, name: string) => { createKeyPair(key: string, secret: string): void };

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
}

/** S3rverEvent is the AWS-style record s3rver emits on PUT, POST, COPY and DELETE. */
export interface S3rverEvent {
  Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } } }>;
}

/** EmbeddedS3 is the running S3-protocol server of the local stack. */
export interface EmbeddedS3 {
  endpoint: string;
  port: number;
  onEvent(listener: (event: S3rverEvent) => void): void;
  close(): Promise<void>;
}

/**
 * startEmbeddedS3 starts s3rver on host:port with files under `directory`, accepting the given key pair. `onEvent`
 * listens from before the first request is accepted, so no write goes unannounced.
 */
export async function startEmbeddedS3(options: { host: string; port: number; directory: string; accessKey: string; secretKey: string; buckets: string[]; onEvent?: (event: S3rverEvent) => void }): Promise<EmbeddedS3> {
  new AWSAccount(123456789012, 'cmp-ops-local').createKeyPair(options.accessKey, options.secretKey);
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  if (options.onEvent) server.on('event', options.onEvent);
  const address = await server.run();
  return {
    endpoint: `http://${options.host}:${address.port}`,
    port: address.port,
    onEvent: (listener) => server.on('event', listener),
    close: () => server.close(),
  };
}
