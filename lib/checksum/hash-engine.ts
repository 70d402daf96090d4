import { createHash, type Hash } from 'node:crypto';
import { opsError } from '#lib/runtime/errors.ts';
import { openBlockReader } from './block-reader.ts';
import { Crc32, Crc32c, PosixCksum } from './crc.ts';
import { BlockRing } from './digest-worker.ts';

/** Algorithm names every digest cmp-ops computes. */
export type Algorithm = 'md5' | 'sha1' | 'sha256' | 'sha512' | 'crc32' | 'crc32c' | 'cksum';
export const ALGORITHMS: readonly Algorithm[] = ['md5', 'sha1', 'sha256', 'sha512', 'crc32', 'crc32c', 'cksum'];
const CRYPTO = new Set<Algorithm>(['md5', 'sha1', 'sha256', 'sha512']);
// Slowest first (per byte, with SHA extensions): the slowest crypto digest goes to the worker, the rest stay here.
const COST: Record<string, number> = { sha512: 4, md5: 3, sha1: 2, sha256: 1 };

/** HashResult holds lower-case hex digests (`cksum` as the decimal CRC that `cksum` prints) and the byte count. */
export interface HashResult {
  digests: Partial<Record<Algorithm, string>>;
  size: number;
}

/** HashOptions: `signal` aborts the read; `parallel: false` keeps every digest on the calling thread. */
export interface HashOptions {
  signal?: AbortSignal;
  parallel?: boolean;
}

// 4 blocks of 1 MiB: one being read, one being hashed here, two for the worker to lag behind. Memory stays flat.
const RING = { count: 4, size: 1 << 20 };

/** Digests is the set of hashers on this thread plus the ring whose worker runs the offloaded ones. */
class Digests {
  readonly ring: BlockRing;
  private readonly local: Array<[Algorithm, Hash]>;
  private readonly crc32: Crc32 | null;
  private readonly crc32c: Crc32c | null;
  private readonly cksum: PosixCksum | null;
  readonly offloaded: boolean;

  constructor(algorithms: readonly Algorithm[], parallel: boolean) {
    for (const a of algorithms)
      if (!ALGORITHMS.includes(a))
        throw opsError('BAD_REQUEST', `unknown algorithm ${a}`, [
          { field: 'algorithms', reason: `not one of ${ALGORITHMS.join(', ')}` },
        ]);
    const crypto = [...new Set(algorithms.filter((a) => CRYPTO.has(a)))].sort((a, b) => COST[b]! - COST[a]!);
    // Two crypto digests use both cores: the costliest runs on the worker while this thread reads and hashes the rest.
    const offload = parallel && crypto.length >= 2 ? crypto.slice(0, 1) : [];
    this.offloaded = offload.length > 0;
    this.local = crypto.filter((a) => !offload.includes(a)).map((a) => [a, createHash(a)]);
    this.crc32 = algorithms.includes('crc32') ? new Crc32() : null;
    this.crc32c = algorithms.includes('crc32c') ? new Crc32c() : null;
    this.cksum = algorithms.includes('cksum') ? new PosixCksum() : null;
    this.ring = new BlockRing(offload, RING);
  }

  /** update feeds the digests computed on this thread. */
  update(bytes: Uint8Array): void {
    for (const [, h] of this.local) h.update(bytes);
    this.crc32?.update(bytes);
    this.crc32c?.update(bytes);
    this.cksum?.update(bytes);
  }

  async result(size: number): Promise<HashResult> {
    const digests: Partial<Record<Algorithm, string>> = {};
    for (const [a, h] of this.local) digests[a] = h.digest('hex');
    Object.assign(digests, await this.ring.digests());
    if (this.crc32) digests.crc32 = this.crc32.hex();
    if (this.crc32c) digests.crc32c = this.crc32c.hex();
    if (this.cksum) digests.cksum = String(this.cksum.value());
    return { digests, size };
  }
}

/**
 * hashStream reads a stream once and feeds every requested algorithm. When two or more crypto digests are asked
 * for, the costliest runs on a worker thread over shared blocks, so two digests use both cores; memory stays flat
 * whatever the size. `signal` aborts the read.
 */
export async function hashStream(
  source: AsyncIterable<Uint8Array>,
  algorithms: readonly Algorithm[],
  options: HashOptions = {},
): Promise<HashResult> {
  const digests = new Digests(algorithms, options.parallel !== false);
  const ring = digests.ring;
  let size = 0;
  try {
    let block: Uint8Array | null = null;
    let filled = 0;
    for await (const chunk of source) {
      if (options.signal?.aborted) throw options.signal.reason;
      const bytes = chunk instanceof Uint8Array ? chunk : Buffer.from(chunk as string);
      size += bytes.length;
      digests.update(bytes);
      // The worker's share is copied into shared blocks: a memcpy is far cheaper than cloning each chunk.
      for (let at = 0; digests.offloaded && at < bytes.length; ) {
        block ??= await ring.acquire();
        const n = Math.min(block.length - filled, bytes.length - at);
        block.set(bytes.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === block.length) {
          ring.submit(block, filled);
          block = null;
          filled = 0;
        }
      }
    }
    if (block) ring.submit(block, filled);
    return await digests.result(size);
  } finally {
    await ring.close();
  }
}

/**
 * hashFile hashes a local file like hashStream, reading it into reused blocks: the next block is read (on the thread
 * pool) while this one is hashed, and no chunk is allocated per read.
 */
export async function hashFile(
  path: string,
  algorithms: readonly Algorithm[],
  options: HashOptions = {},
): Promise<HashResult> {
  const digests = new Digests(algorithms, options.parallel !== false);
  const ring = digests.ring;
  let reader: Awaited<ReturnType<typeof openBlockReader>> | null = null;
  try {
    reader = await openBlockReader(path);
    let size = 0;
    let block = await ring.acquire();
    let reading = reader.readInto(block);
    for (;;) {
      const length = await reading;
      if (options.signal?.aborted) throw options.signal.reason;
      if (length === 0) break;
      size += length;
      const next = await ring.acquire();
      reading = reader.readInto(next);
      ring.submit(block, length);
      digests.update(block.subarray(0, length));
      block = next;
    }
    return await digests.result(size);
  } finally {
    await reader?.close();
    await ring.close();
  }
}
