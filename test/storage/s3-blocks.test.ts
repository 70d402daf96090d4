// readObjectBlocks, the socket reader behind `cmp-ops verify s3://…`: the bytes s3rver stores, whatever the reads,
// and the answers its fast path does not take. The odd answers (a head in pieces, a chunked body, a body cut short)
// come from a stand-in HTTP server written from RFC 9112's message framing, since s3rver never sends them.
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readObjectBlocks } from '#lib/storage/index.ts';
import { startTestS3 } from '../helpers/s3.ts';

const test = suite('storage/s3-blocks');
const keys = { region: 'us-east-1', accessKey: 'testkey', secretKey: 'testsecret' };

async function digestOf(blocks: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const block of blocks) {
    hash.update(block);
    size += block.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** rawServer answers every connection with `answer(socket)` once the request head is in. */
async function rawServer(answer: (socket: Socket) => void) {
  const server = createServer((socket) => {
    let head = '';
    socket.on('data', (d) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        head = '';
        answer(socket);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), server };
}

test('s3rver :: the stored bytes in reused blocks, for large, empty and escaped keys', async () => {
  const s3 = await startTestS3(['inbox']);
  try {
    const target = { url: new URL(s3.endpoint), ...keys };
    const big = Buffer.alloc((5 << 20) + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    await s3.store.put('inbox', 'deliveries/big frame+1 é.bin', big);
    await s3.store.put('inbox', 'empty.bin', Buffer.alloc(0));
    const got = await digestOf(await readObjectBlocks(target, 'inbox', 'deliveries/big frame+1 é.bin'));
    assert.equal(got, { sha256: createHash('sha256').update(big).digest('hex'), size: big.length });
    const empty = await digestOf(await readObjectBlocks(target, 'inbox', 'empty.bin'));
    assert.equal(empty, { sha256: createHash('sha256').digest('hex'), size: 0 });
    const missing = await readObjectBlocks(target, 'inbox', 'nope.bin').catch((err: { code?: string }) => err);
    assert.is((missing as { code?: string }).code, 'OBJECT_NOT_FOUND');
  } finally {
    await s3.close();
  }
});

test('stand-in :: a head in pieces, then the body; a chunked body goes through the full client', async () => {
  const body = 'x'.repeat(70_000);
  const split = await rawServer((socket) => {
    const text = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nETag: "e"\r\n\r\n${body}`;
    // one byte per write for the head, so it spans many reads
    for (let i = 0; i < 60; i++) socket.write(text[i]!);
    socket.end(text.slice(60));
  });
  const chunked = await rawServer((socket) => {
    socket.end(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`);
  });
  try {
    const a = await digestOf(await readObjectBlocks({ url: split.url, ...keys }, 'inbox', 'k'));
    assert.equal(a, { sha256: createHash('sha256').update(body).digest('hex'), size: body.length });
    const b = await digestOf(await readObjectBlocks({ url: chunked.url, ...keys }, 'inbox', 'k'));
    assert.equal(b, { sha256: createHash('sha256').update('hello world').digest('hex'), size: 11 });
  } finally {
    split.server.close();
    chunked.server.close();
  }
});

test('stand-in :: a body cut short is STORAGE_UNAVAILABLE (retryable), not a digest of half an object', async () => {
  const cut = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly ten b'));
  try {
    const err = await digestOf(await readObjectBlocks({ url: cut.url, ...keys }, 'inbox', 'k')).catch(
      (e: { code?: string; retryable?: boolean }) => e,
    );
    assert.is((err as { code?: string }).code, 'STORAGE_UNAVAILABLE');
  } finally {
    cut.server.close();
  }
});

test.run();
