import { connect, type Socket } from 'node:net';
import { isOpsError } from '#lib/runtime/errors.ts';
import { mapS3Error } from './s3-errors.ts';
import { getObjectSigned } from './s3-get.ts';
import { escapeKey, type S3Target } from './s3-put.ts';
import { signRequest } from './sigv4.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
// Big enough that a read takes whatever the kernel holds (a loopback or LAN socket buffers a few MiB).
const BLOCK_SIZE = 1 << 20;
const HEAD_LIMIT = 64 << 10;

/**
 * readObjectBlocks reads an object's body for a consumer that uses each block before asking for the next (a hash):
 * the blocks it yields are views of one reused buffer, valid until the next step of the iteration. Over plain HTTP
 * the body is read straight from the socket into that buffer (one signed GET, no HTTP parser or fresh chunk per read:
 * Node's client costs about twice the CPU of the hashing itself); anything else — HTTPS, an error answer, a body
 * without Content-Length — goes through getObjectSigned, so errors come out mapped exactly as there.
 */
export async function readObjectBlocks(
  target: S3Target,
  bucket: string,
  key: string,
): Promise<AsyncIterable<Uint8Array>> {
  if (target.url.protocol !== 'http:') return getObjectSigned(target, bucket, key);
  const path = `/${bucket}/${escapeKey(key)}`;
  const headers = signRequest(target, { method: 'GET', path, headers: {}, sha256: EMPTY_SHA256 });
  const reader = new SocketBodyReader();
  const length = await reader.open(target, path, headers).catch((err: unknown) => {
    throw mapS3Error(err, { bucket, key });
  });
  // Not a plain 200 with a length: let the full client ask again and say what went wrong.
  if (length === null) return getObjectSigned(target, bucket, key);
  return reader.body(length, { bucket, key });
}

/** SocketBodyReader sends one GET on its own connection and reads the answer into one reused buffer. */
class SocketBodyReader {
  private readonly buffer = Buffer.allocUnsafe(BLOCK_SIZE);
  private socket: Socket | null = null;
  // body bytes that came in the same read as the head
  private rest: Buffer = Buffer.alloc(0);
  // the bytes of the last read not yet handed over, and who waits for the next read
  private filled = 0;
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  /** open connects and sends the GET; resolves to the body's length, or null when the answer is not a plain 200. */
  async open(target: S3Target, path: string, headers: Record<string, string>): Promise<number | null> {
    const socket = connect({
      host: target.url.hostname,
      port: Number(target.url.port || 80),
      onread: {
        buffer: this.buffer,
        callback: (n: number) => {
          this.filled = n;
          this.notify();
          return false; // paused until the consumer has used these bytes
        },
      },
    });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('end', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', (err) => {
      this.failure = err;
      this.notify();
    });
    const lines = [`GET ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\nconnection: close\r\n\r\n`);
    // The head: read until its blank line; what follows it in the same read is the start of the body.
    let head = Buffer.alloc(0);
    for (;;) {
      const n = await this.next();
      if (n === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      head = Buffer.concat([head, this.buffer.subarray(0, n)]);
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0) {
        this.rest = head.subarray(end + 4);
        return this.parseHead(head.subarray(0, end).toString('latin1'));
      }
      if (head.length > HEAD_LIMIT) throw new Error('S3 answer head too large');
    }
  }

  private parseHead(text: string): number | null {
    const [status, ...fields] = text.split('\r\n');
    const length = fields.find((f) => /^content-length:/i.test(f));
    const ok =
      /^HTTP\/1\.[01] 200 /.test(status ?? '') && length && !fields.some((f) => /^transfer-encoding:/i.test(f));
    if (!ok) {
      this.close();
      return null;
    }
    return Number(length.slice(length.indexOf(':') + 1).trim());
  }

  /** body yields the body's bytes, `length` in all, then closes the connection. */
  async *body(length: number, where: { bucket: string; key: string }): AsyncIterable<Uint8Array> {
    let left = length;
    try {
      if (this.rest.length > 0) {
        const first = this.rest.subarray(0, left);
        left -= first.length;
        yield first;
      }
      while (left > 0) {
        const n = await this.next();
        if (n === 0)
          throw mapS3Error(Object.assign(new Error('aborted: the body ended early'), { code: 'ECONNRESET' }), where);
        const block = this.buffer.subarray(0, Math.min(n, left));
        left -= block.length;
        yield block;
      }
    } catch (err) {
      throw isOpsError(err) ? err : mapS3Error(err, where);
    } finally {
      this.close();
    }
  }

  /** next resumes the socket and resolves to the byte count of its next read (0 at its end); fails on its error. */
  private async next(): Promise<number> {
    this.filled = 0;
    if (!this.ended && !this.failure) this.socket?.resume();
    while (this.filled === 0 && !this.ended && !this.failure) await new Promise<void>((r) => (this.wake = r));
    if (this.filled > 0) return this.filled;
    if (this.failure) throw this.failure;
    return 0;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}
