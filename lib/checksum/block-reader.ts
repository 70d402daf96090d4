import { open, type FileHandle } from 'node:fs/promises';

/** BlockReader fills caller-owned blocks with a file's bytes in order; the caller reuses the blocks, nothing is allocated per read. */
export interface BlockReader {
  /** readInto fills `block` from where the last read stopped and resolves to the byte count, 0 at the end. */
  readInto(block: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/**
 * openBlockReader opens a local file for block reads. A read runs on libuv's thread pool, so a caller that starts the
 * next read before hashing the current block reads ahead while it hashes (openssl reads and hashes in turn).
 */
export async function openBlockReader(path: string): Promise<BlockReader> {
  const handle: FileHandle = await open(path, 'r');
  const info = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (info.isDirectory()) {
    await handle.close();
    throw Object.assign(new Error('Is a directory'), { code: 'EISDIR' });
  }
  // A FIFO or a character device has no offsets: read it where it stands.
  const seekable = info.isFile();
  let position = 0;
  return {
    async readInto(block) {
      let filled = 0;
      // A regular file fills the block in one read; a pipe or a FIFO may need several.
      while (filled < block.length) {
        const { bytesRead } = await handle.read(block, filled, block.length - filled, seekable ? position : null);
        if (bytesRead === 0) break;
        filled += bytesRead;
        position += bytesRead;
      }
      return filled;
    },
    close: () => handle.close(),
  };
}
