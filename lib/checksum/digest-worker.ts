import { Worker } from 'node:worker_threads';

// The worker hashes blocks of shared memory in place: a message names a block and its length, the answer hands the
// block back. Nothing is copied between threads, so a second digest costs the other core, not a structured clone.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = workerData.algorithms.map((a) => [a, createHash(a)]);
const blocks = workerData.blocks.map((b) => new Uint8Array(b));
parentPort.on('message', (m) => {
  if (m === null) { parentPort.postMessage({ done: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])) }); return; }
  const view = blocks[m[0]].subarray(0, m[1]);
  for (const [, h] of hashes) h.update(view);
  parentPort.postMessage(m[0]);
});`;

/** BlockRingOptions sizes the shared blocks: `count` blocks of `size` bytes bound the memory whatever the input. */
export interface BlockRingOptions {
  count: number;
  size: number;
}

/**
 * BlockRing is a fixed set of shared-memory blocks that input is read into, hashed on this thread and, when some
 * digests are offloaded, on a worker thread too; a block comes back for reuse once the worker has hashed it.
 */
export class BlockRing {
  private readonly blocks: Uint8Array[];
  private readonly free: number[];
  private readonly worker: Worker | null;
  private readonly finished: Promise<Record<string, string>> | null;
  private waiting: (() => void) | null = null;
  private failure: unknown = null;

  constructor(offloaded: readonly string[], options: BlockRingOptions) {
    const buffers = Array.from({ length: options.count }, () => new SharedArrayBuffer(options.size));
    this.blocks = buffers.map((b) => new Uint8Array(b));
    this.free = this.blocks.map((_, i) => i);
    this.worker = offloaded.length
      ? new Worker(WORKER_SOURCE, { eval: true, workerData: { algorithms: offloaded, blocks: buffers } })
      : null;
    const worker = this.worker;
    this.finished = worker
      ? new Promise((resolve, reject) => {
          worker.on('message', (m: number | { done: Record<string, string> }) => {
            if (typeof m === 'number') this.giveBack(m);
            else resolve(m.done);
          });
          worker.once('error', (err) => {
            this.failure = err;
            this.wake();
            reject(err);
          });
        })
      : null;
    this.finished?.catch(() => undefined);
  }

  /** acquire resolves to a free block, waiting while the worker still holds all of them. */
  async acquire(): Promise<Uint8Array> {
    for (;;) {
      if (this.failure) throw this.failure;
      const index = this.free.pop();
      if (index !== undefined) return this.blocks[index]!;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** submit hands the first `length` bytes of an acquired block to the worker, or back to the ring when none runs. */
  submit(block: Uint8Array, length: number): void {
    const index = this.blocks.indexOf(block);
    if (this.worker && length > 0) this.worker.postMessage([index, length]);
    else this.giveBack(index);
  }

  /** digests waits for the worker to hash every submitted block and returns its digests (none without a worker). */
  async digests(): Promise<Record<string, string>> {
    if (!this.worker || !this.finished) return {};
    this.worker.postMessage(null);
    return this.finished;
  }

  /** close stops the worker; the ring is unusable afterwards. */
  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private giveBack(index: number): void {
    this.free.push(index);
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}
