import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  fixedClock,
  json,
  readJson,
  opsError,
  serve,
  Secret,
  bearerMatches,
  type Handler,
  type RunningServer,
} from '#lib/runtime/index.ts';
import { captureLogger } from '../helpers/log-capture.ts';

const TOKEN = 'tok-3f9a1c0e5b7d4e21a8c6';
const test = suite('runtime/server');

async function start(
  handler: Handler,
  options: { bodyLimitBytes?: number; deadlineMs?: number } = {},
): Promise<{ server: RunningServer; lines: string[] }> {
  const { log, lines } = captureLogger('server-test');
  const server = await serve({
    name: 'test-fn',
    handler,
    port: 0,
    host: '127.0.0.1',
    bodyLimitBytes: options.bodyLimitBytes ?? 1024,
    deadlineMs: options.deadlineMs ?? 2000,
    log,
    clock: fixedClock('2026-11-24T10:00:00Z'),
    authorize: (req) => bearerMatches(req.headers.get('authorization'), new Secret(TOKEN)),
  });
  return { server, lines };
}

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const echo: Handler = async (req, ctx) =>
  json({ body: await readJson(req), callId: ctx.callId, now: ctx.now().toISO(), topic: ctx.topic ?? null });

test('health :: answers 200 without credentials', async () => {
  const { server } = await start(echo);
  const res = await fetch(`${server.url}/_/health`);
  assert.is(res.status, 200);
  assert.equal(await res.json(), { status: 'ok', function: 'test-fn' });
  await server.close();
});

const authCases: Array<[string, Record<string, string>]> = [
  ['no header', {}],
  ['wrong token', { authorization: 'Bearer nope' }],
  ['basic scheme', { authorization: `Basic ${TOKEN}` }],
  ['token with suffix', { authorization: `Bearer ${TOKEN}x` }],
];
for (const [name, headers] of authCases) {
  test(`caller check :: ${name} is 401 UNAUTHORIZED and the handler never runs`, async () => {
    let ran = false;
    const { server } = await start(async () => {
      ran = true;
      return json({});
    });
    const res = await fetch(server.url, { method: 'POST', headers, body: '{}' });
    assert.is(res.status, 401);
    assert.is(((await res.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
    assert.is(ran, false);
    await server.close();
  });
}

test('caller check :: right token reaches the handler with the call id and the injected clock', async () => {
  const { server } = await start(echo);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { ...auth, 'x-call-id': 'call-42' },
    body: '{"a":1}',
  });
  assert.is(res.status, 200);
  assert.is(res.headers.get('x-call-id'), 'call-42');
  assert.equal(await res.json(), { body: { a: 1 }, callId: 'call-42', now: '2026-11-24T10:00:00.000Z', topic: null });
  await server.close();
});

test('cron tick :: a bodiless POST with X-Topic cron-function passes without token and sets ctx.topic', async () => {
  const { server } = await start(echo);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'x-topic': 'cron-function', 'x-connector': 'cron-connector' },
  });
  assert.is(res.status, 200);
  assert.is(((await res.json()) as { topic: string }).topic, 'cron-function');
  await server.close();
});

test('cron tick :: the same header with a body still needs the token', async () => {
  const { server } = await start(echo);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'x-topic': 'cron-function' },
    body: '{"bucket":"x"}',
  });
  assert.is(res.status, 401);
  await server.close();
});

test('bad input :: malformed JSON is 400 BAD_JSON with a position', async () => {
  const { server } = await start(echo);
  const res = await fetch(server.url, { method: 'POST', headers: auth, body: '{"a":' });
  assert.is(res.status, 400);
  const body = (await res.json()) as { error: { code: string; details: Array<{ reason: string }> } };
  assert.is(body.error.code, 'BAD_JSON');
  assert.ok(body.error.details.length === 1);
  await server.close();
});

test('request body :: bytes that are not UTF-8 reach the handler as sent, through arrayBuffer and through the stream', async () => {
  const sent = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x41]);
  for (const read of ['arrayBuffer', 'stream'] as const) {
    const { server } = await start(async (req) => {
      let bytes: Buffer;
      if (read === 'arrayBuffer') bytes = Buffer.from(await req.arrayBuffer());
      else {
        const chunks: Uint8Array[] = [];
        for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
        bytes = Buffer.concat(chunks);
      }
      return json({ hex: bytes.toString('hex') });
    });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/octet-stream' },
      body: sent,
    });
    assert.equal(await res.json(), { hex: sent.toString('hex') }, read);
    await server.close();
  }
});

test('body limit :: declared length over the limit is 413 before the handler', async () => {
  let ran = false;
  const { server } = await start(async () => {
    ran = true;
    return json({});
  });
  const res = await fetch(server.url, { method: 'POST', headers: auth, body: 'x'.repeat(5000) });
  assert.is(res.status, 413);
  assert.is(((await res.json()) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
  assert.is(ran, false);
  await server.close();
});

test('body limit :: a chunked body that grows past the limit is 413', async () => {
  const { server } = await start(echo);
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(`"${'y'.repeat(300)}"`));
      controller.close();
    },
  });
  const res = await fetch(server.url, { method: 'POST', headers: auth, body: chunks, duplex: 'half' } as RequestInit);
  assert.is(res.status, 413);
  await server.close();
});

test('errors :: a handler that throws a plain Error answers 500 INTERNAL, never 200', async () => {
  const { server, lines } = await start(async () => {
    throw new Error('boom');
  });
  const res = await fetch(server.url, { method: 'POST', headers: auth, body: '{}' });
  assert.is(res.status, 500);
  assert.is(((await res.json()) as { error: { code: string } }).error.code, 'INTERNAL');
  assert.ok(lines.some((l) => l.includes('boom')));
  await server.close();
});

test('errors :: a retryable dependency error answers 503 with Retry-After', async () => {
  const { server } = await start(async () => {
    throw opsError('STORAGE_UNAVAILABLE', 'minio down');
  });
  const res = await fetch(server.url, { method: 'POST', headers: auth, body: '{}' });
  assert.is(res.status, 503);
  assert.is(res.headers.get('retry-after'), '5');
  assert.is(((await res.json()) as { error: { code: string } }).error.code, 'STORAGE_UNAVAILABLE');
  await server.close();
});

test('deadline :: a handler past its deadline gets an aborted signal and the caller a 503', async () => {
  let sawAbort = false;
  const { server } = await start(
    (_req, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve(json({ late: true }));
        });
      }),
    { deadlineMs: 150 },
  );
  const res = await fetch(server.url, { method: 'POST', headers: auth, body: '{}' });
  assert.is(res.status, 503);
  assert.is(((await res.json()) as { error: { code: string } }).error.code, 'DEADLINE_EXCEEDED');
  assert.ok(sawAbort);
  await server.close();
});

test('logs :: every request line carries the call id and the token never appears', async () => {
  const { server, lines } = await start(async (_req, ctx) => {
    ctx.log.info(
      { headers: { authorization: `Bearer ${TOKEN}` }, token: TOKEN, secret: new Secret(TOKEN) },
      'handler saw credentials',
    );
    return json({ ok: true });
  });
  await fetch(server.url, { method: 'POST', headers: { ...auth, 'x-call-id': 'c-1' }, body: '{}' });
  await server.close();
  const mine = lines.filter((l) => l.includes('"callId":"c-1"'));
  assert.ok(mine.length >= 2, 'handler line and request line carry the call id');
  assert.not.ok(lines.join('\n').includes(TOKEN));
});

test('drain :: close() waits for the in-flight request and health turns 503 meanwhile', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { server } = await start(async () => {
    await gate;
    return json({ finished: true });
  });
  const inflight = fetch(server.url, { method: 'POST', headers: auth, body: '{}' });
  while (server.inFlight() === 0) await new Promise((r) => setImmediate(r));
  const closing = server.close(5000);
  release();
  const res = await inflight;
  assert.is(res.status, 200);
  assert.equal(await res.json(), { finished: true });
  await closing;
});

test.run();
