// The store's own signed PUT (lib/storage/s3-put.ts). s3rver does not check SigV4 signatures (its v4 branch accepts
// any), so the signature is checked here by a verifier written from the AWS specification, itself proven on the
// specification's own example, behind a real HTTP listener that answers as S3 does.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BodyBuilder } from '#lib/storage/prepared-body.ts';
import { putBuffer, type S3Target } from '#lib/storage/s3-put.ts';

const test = suite('storage/s3-put');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** verifySigV4 recomputes an Authorization header's signature from the request as received (AWS SigV4, header form). */
function verifySigV4(method: string, rawPath: string, headers: Record<string, string>, secretKey: string): boolean {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      headers.authorization ?? '',
    );
  if (!auth) return false;
  const [, day, region, signedHeaders, signature] = auth;
  const names = signedHeaders!.split(';');
  const canonical = [
    method,
    rawPath,
    '',
    ...names.map((n) => `${n}:${(headers[n] ?? '').trim().replace(/ +/g, ' ')}`),
    '',
    signedHeaders,
    headers['x-amz-content-sha256'],
  ].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    headers['x-amz-date'],
    `${day}/${region}/s3/aws4_request`,
    sha256(canonical),
  ].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, day!), region!), 's3'), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === signature;
}

test('verifier :: accepts the AWS specification example (PUT /test$file.text), rejects it altered', () => {
  const headers = {
    date: 'Fri, 24 May 2013 00:00:00 GMT',
    host: 'examplebucket.s3.amazonaws.com',
    'x-amz-content-sha256': sha256('Welcome to Amazon S3.'),
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
  };
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  assert.ok(verifySigV4('PUT', '/test%24file.text', headers, secret));
  assert.not.ok(verifySigV4('PUT', '/test$file.text', headers, secret), 'the canonical URI is the encoded one');
  assert.not.ok(verifySigV4('PUT', '/test%24file.text', { ...headers, 'x-amz-storage-class': 'STANDARD' }, secret));
});

type Answer = { status: number; body?: string };
let server: Server;
let target: S3Target;
let answer: Answer | undefined;
const received: Array<{ path: string; headers: Record<string, string>; body: Buffer; signed: boolean }> = [];

test.before(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const signed =
        verifySigV4(req.method!, req.url!, headers, 'the-secret') && sha256(body) === headers['x-amz-content-sha256'];
      received.push({ path: req.url!, headers, body, signed });
      const reply =
        answer ??
        (signed
          ? { status: 200 }
          : {
              status: 403,
              body: '<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>',
            });
      res.writeHead(reply.status, {
        etag: `"${createHash('md5').update(body).digest('hex')}"`,
        'content-type': 'application/xml',
      });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  target = {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    region: 'eu-west-3',
    accessKey: 'cmp-ops',
    secretKey: 'the-secret',
  };
});
test.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
test.before.each(() => {
  answer = undefined;
  received.length = 0;
});

const KEYS: Array<[string, string]> = [
  ["DUTCH/ephémeride (v2)!*'s #1+%.dat", '/inbox/DUTCH/eph%C3%A9meride%20%28v2%29%21%2A%27s%20%231%2B%25.dat'],
  ['FOS/ARPE/a~b_c-d.e', '/inbox/FOS/ARPE/a~b_c-d.e'],
  ['alert-router/journal/0007.json', '/inbox/alert-router/journal/0007.json'],
];
for (const [key, path] of KEYS) {
  test(`signature :: ${key} is sent as ${path} and verifies`, async () => {
    const { etag } = await putBuffer(target, 'inbox', key, Buffer.from('{"seq":7}\n'), {
      contentType: 'application/json',
      metadata: { sha256: 'abc' },
      ifNoneMatch: '*',
    });
    assert.is(etag, createHash('md5').update('{"seq":7}\n').digest('hex'));
    const [r] = received;
    assert.is(r!.path, path);
    assert.ok(r!.signed, 'signature and payload hash verify');
    assert.is(r!.headers['x-amz-meta-sha256'], 'abc');
    assert.is(r!.headers['if-none-match'], '*');
  });
}

test('prepared body :: chunks built piece by piece (multi-byte text cut across pieces) arrive whole, hashed and signed', async () => {
  const pieces = ['{"alerts":{', '"ab":{"summary":"éphéméride ✓"}', ',"cd":{"summary":"', 'x'.repeat(70_000), '"}}}\n'];
  const builder = new BodyBuilder();
  for (const piece of pieces) builder.add(piece);
  const body = builder.done();
  assert.is(body.length, Buffer.byteLength(pieces.join('')));
  assert.is(body.sha256, sha256(pieces.join('')));
  await putBuffer(target, 'state', 'alert-router/state.json', body, { contentType: 'application/json' });
  const [r] = received;
  assert.ok(r!.signed, 'signature and payload hash verify');
  assert.is(r!.body.toString('utf8'), pieces.join(''));
  assert.is(r!.headers['content-length'], String(body.length));
});

test('errors :: a wrong secret is STORAGE_DENIED; 412 is CONFLICT; 503 SlowDown is STORAGE_UNAVAILABLE and retryable', async () => {
  const codeOf = (t: S3Target) =>
    putBuffer(t, 'inbox', 'k', Buffer.from('x'), { ifMatch: 'abc' }).then(
      () => 'ok',
      (err: { code: string; retryable?: boolean }) => `${err.code}${err.retryable ? ' (retryable)' : ''}`,
    );
  assert.is(await codeOf({ ...target, secretKey: 'wrong' }), 'STORAGE_DENIED');
  answer = {
    status: 412,
    body: '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
  };
  assert.is(await codeOf(target), 'CONFLICT');
  answer = {
    status: 503,
    body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
  };
  assert.is(await codeOf(target), 'STORAGE_UNAVAILABLE (retryable)');
});

test('stale socket :: a PUT reset on a kept-alive socket the server dropped is sent again once; a fresh one is not', async () => {
  // A raw listener standing in for the race with a server's idle timeout: it drops a connection when a second
  // request arrives on it (or every request, for the second case), without answering.
  let dropEvery = false;
  const seen: string[] = [];
  const sockets = new WeakMap<object, number>();
  const dropper = createServer((req, res) => {
    const n = (sockets.get(req.socket) ?? 0) + 1;
    sockets.set(req.socket, n);
    seen.push(`${req.url}#${n}`);
    req.resume();
    req.on('end', () => {
      if (dropEvery || n > 1) req.socket.destroy();
      else res.end();
    });
  });
  await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', () => resolve()));
  const at: S3Target = { ...target, url: new URL(`http://127.0.0.1:${(dropper.address() as AddressInfo).port}`) };
  try {
    await putBuffer(at, 'b', 'first', Buffer.from('1'));
    await putBuffer(at, 'b', 'second', Buffer.from('2'));
    assert.equal(seen, ['/b/first#1', '/b/second#2', '/b/second#1'], 'the second PUT went again on a new socket');
    dropEvery = true;
    seen.length = 0;
    const failed = await putBuffer(at, 'b', 'third', Buffer.from('3')).then(
      () => 'ok',
      (err: { code: string }) => err.code,
    );
    assert.is(failed, 'STORAGE_UNAVAILABLE');
    assert.equal(seen.filter((s) => s.startsWith('/b/third')).length <= 2, true, 'at most one more try');
  } finally {
    dropper.closeAllConnections();
    await new Promise<void>((resolve) => dropper.close(() => resolve()));
  }
});

test.run();
