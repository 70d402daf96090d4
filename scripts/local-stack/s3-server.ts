import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore } from '#lib/storage/index.ts';
import { startRgw, type RunningRgw } from '../rgw/cluster.ts';

const require = createRequire(import.meta.url);
// s3rver is CommonJS; its account model is how a key pair other than S3RVER/S3RVER is accepted.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
const AWSAccount = require('s3rver/lib/models/account.js') as new (
  id: number,
  name: string,
) => { createKeyPair(key: string, secret: string): void };

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
}

/** S3rverEvent is the AWS-style record s3rver emits on PUT, POST, COPY and DELETE. */
export interface S3rverEvent {
  Records: Array<{
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }>;
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
export async function startEmbeddedS3(options: {
  host: string;
  port: number;
  directory: string;
  accessKey: string;
  secretKey: string;
  buckets: string[];
  onEvent?: (event: S3rverEvent) => void;
}): Promise<EmbeddedS3> {
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

/**
 * startRgwS3 serves the local stack's S3 from Ceph RGW (`S3_BACKEND=rgw`): a one-node cluster booted on host:port
 * (or an already running one, which it then leaves running), with the buckets created. RGW delivers the object
 * events itself once its topics are set up (scripts/rgw/notifications.ts), so onEvent never fires. Objects live in
 * RAM (memstore) and are gone when it stops.
 */
export async function startRgwS3(options: {
  host: string;
  port: number;
  accessKey: string;
  secretKey: string;
  buckets: string[];
  directory: string;
  running?: RunningRgw;
  log?: (line: string) => void;
}): Promise<EmbeddedS3 & { rgw: RunningRgw }> {
  // memstore kept nothing from a previous run, and a leftover mon store would make `ceph-mon --mkfs` refuse
  if (!options.running) rmSync(options.directory, { recursive: true, force: true });
  const rgw =
    options.running ??
    (await startRgw({
      host: options.host,
      port: options.port,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      directory: options.directory,
      ...(options.log ? { log: options.log } : {}),
    }));
  try {
    const store = createMinioStore(
      createMinioClient({
        endpoint: rgw.endpoint,
        region: 'us-east-1',
        accessKey: new Secret(rgw.accessKey),
        secretKey: new Secret(rgw.secretKey),
      }),
    );
    for (const bucket of options.buckets) await store.ensureBucket(bucket);
  } catch (err) {
    if (!options.running) await rgw.stop();
    throw err;
  }
  return {
    rgw,
    endpoint: rgw.endpoint,
    port: rgw.port,
    onEvent: () => undefined,
    close: async () => (options.running ? undefined : rgw.stop()),
  };
}
