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

const S3Error = require('s3rver/lib/models/error.js') as new (
  code: string,
  message: string,
  detail: Record<string, unknown>,
) => Error;
servePagedListingsWithoutDes(require('s3rver/lib/controllers/bucket.js') as BucketController);

interface ListingBody {
  ListBucketResult: {
    '@': unknown;
    Name: string;
    Prefix: string;
    MaxKeys: unknown;
    Delimiter?: string;
    IsTruncated: boolean;
    Contents: Array<{ Key: string; Owner?: unknown }>;
    CommonPrefixes: Array<{ Prefix: string }>;
  };
}
interface BucketController {
  getBucket(ctx: { query: Record<string, string | undefined>; body: unknown }): Promise<void>;
  cmpOpsPaged?: true;
}

const TOKEN_PREFIX = 'cmp-ops-after:';

/**
 * servePagedListingsWithoutDes makes s3rver page a ListObjectsV2 past 1 000 keys. s3rver ciphers its continuation
 * tokens with DES, which OpenSSL 3 (Node ≥ 17) keeps in its legacy provider: every truncated page answered 500
 * ("Unsupported"). The V2 listing is served by s3rver's V1 listing (the same walk, `marker` = the V2 start) and
 * answered in V2's shape, the token being the last key listed (opaque to clients, as S3's is).
 */
function servePagedListingsWithoutDes(controller: BucketController): void {
  if (controller.cmpOpsPaged) return;
  const listV1 = controller.getBucket;
  controller.cmpOpsPaged = true;
  controller.getBucket = async (ctx) => {
    const query = ctx.query;
    if (query['list-type'] !== '2' || 'marker' in query) return listV1(ctx);
    const { 'list-type': _, 'continuation-token': token, 'start-after': startAfter, ...rest } = query;
    let after = startAfter;
    if (token !== undefined) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith(TOKEN_PREFIX))
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
          ArgumentName: 'continuation-token',
        });
      after = decoded.slice(TOKEN_PREFIX.length);
    }
    ctx.query = { ...rest, ...(after ? { marker: after } : {}) };
    await listV1(ctx);
    const v1 = (ctx.body as ListingBody).ListBucketResult;
    const last = [v1.Contents.at(-1)?.Key ?? '', v1.CommonPrefixes.at(-1)?.Prefix ?? ''].sort().at(-1)!;
    ctx.body = {
      ListBucketResult: {
        '@': v1['@'],
        Name: v1.Name,
        Prefix: v1.Prefix,
        StartAfter: token === undefined ? startAfter : undefined,
        ContinuationToken: token,
        NextContinuationToken: v1.IsTruncated ? Buffer.from(`${TOKEN_PREFIX}${last}`).toString('base64url') : undefined,
        KeyCount: v1.Contents.length,
        MaxKeys: v1.MaxKeys,
        Delimiter: v1.Delimiter,
        IsTruncated: v1.IsTruncated,
        Contents: v1.Contents.map(({ Owner, ...c }) => (query['fetch-owner'] === 'true' ? { ...c, Owner } : c)),
        CommonPrefixes: v1.CommonPrefixes,
      },
    };
  };
}

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
