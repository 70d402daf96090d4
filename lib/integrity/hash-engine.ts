import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { opsError } from '#lib/runtime/errors.ts';
import { Crc32, Crc32c, PosixCksum } from './crc.ts';

/** Algorithm names every digest cmp-ops computes. */
export type Algorithm = 'md5' | 'sha1' | 'sha256' | 'sha512' | 'crc32' | 'crc32c' | 'cksum';
export const ALGORITHMS: readonly Algorithm[] = ['md5', 'sha1', 'sha256', 'sha512', 'crc32', 'crc32c', 'cksum'];
const CRYPTO = new Set<Algorithm>(['md5', 'sha1', 'sha256', 'sha512']);

/** HashResult holds lower-case hex digests (`cksum` as the decimal CRC that `cksum` prints) and the byte count. */
export interface HashResult {
  digests: Partial<Record<Algorithm, string>>;
  size: number;
}

// The worker hashes the crypto digests it is given, chunk by chunk, acknowledging each so the reader stays bounded.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = workerData.map((a) => [a, createHash(a)]);
parentPort.on('message', (m) => {
  if (m === null) { parentPort.postMessage({ done: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])) }); return; }
  for (const [, h] of hashes) h.update(m);
  parentPort.postMessage({ ack: true });
});`;

const MAX_IN_FLIGHT = 4;

/**
 * hashStream reads a stream once and feeds every requested algorithm. When two or more crypto digests are asked
 * for, all but one run on a worker thread, so two digests use both cores; at most 4 chunks are in flight, so memory
 * stays flat whatever the size. `signal` aborts the read.
 */
export async function hashStream(source: AsyncIterable<Uint8Array>, algorithms: readonly Algorithm[], options: { signal?: AbortSignal; parallel?: boolean } = {}): Promise<HashResult> {
  for (const a of algorithms) if (!ALGORITHMS.includes(a)) throw opsError('BAD_REQUEST', `unknown algorithm ${a}`, [{ field: 'algorithms', reason: `not one of ${ALGORITHMS.join(', ')}` }]);
  const crypto = algorithms.filter((a) => CRYPTO.has(a));
  const offload = options.parallel !== false && crypto.length >= 2 ? crypto.slice(1) : [];
  const local: Array<[Algorithm, Hash]> = crypto.filter((a) => !offload.includes(a)).map((a) => [a, createHash(a)]);
  const crc32 = algorithms.includes('crc32') ? new Crc32() : null;
  const crc32c = algorithms.includes('crc32c') ? new Crc32c() : null;
  const cksum = algorithms.includes('cksum') ? new PosixCksum() : null;
  let size = 0;

  const worker = offload.length ? new Worker(WORKER_SOURCE, { eval: true, workerData: offload }) : null;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  const finished = worker
    ? new Promise<Record<string, string>>((resolve, reject) => {
        worker.on('message', (m: { ack?: boolean; done?: Record<string, string> }) => {
          if (m.done) resolve(m.done);
          else {
            inFlight--;
            wake?.();
          }
        });
        worker.once('error', (err) => {
          failure = err;
          wake?.();
          reject(err);
        });
      })
    : null;
  finished?.catch(() => undefined);
  try {
    for await (const chunk of source) {
      if (options.signal?.aborted) throw options.signal.reason;
      const bytes = chunk instanceof Uint8Array ? chunk : Buffer.from(chunk as string);
      size += bytes.length;
      if (worker) {
        while (inFlight >= MAX_IN_FLIGHT && !failure) await new Promise<void>((r) => (wake = r));
        if (failure) throw failure;
        inFlight++;
        worker.postMessage(bytes);
      }
      for (const [, h] of local) h.update(bytes);
      crc32?.update(bytes);
      crc32c?.update(bytes);
      cksum?.update(bytes);
    }
    const digests: Partial<Record<Algorithm, string>> = {};
    for (const [a, h] of local) digests[a] = h.digest('hex');
    if (worker && finished) {
      worker.postMessage(null);
      Object.assign(digests, await finished);
    }
    if (crc32) digests.crc32 = crc32.hex();
    if (crc32c) digests.crc32c = crc32c.hex();
    if (cksum) digests.cksum = String(cksum.value());
    return { digests, size };
  } finally {
    await worker?.terminate();
  }
}
