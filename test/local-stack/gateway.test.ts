// The local gateway over real sockets: a real HTTP upstream on a free port stands for a function process.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalGateway, type LocalGateway } from '../../scripts/local-stack/gateway.ts';

const test = suite('local-stack/gateway');
let upstream: Server;
let upstreamPort: number;
let gateway: LocalGateway;
const seen: Array<{ path: string; bytes: number; headers: Record<string, unknown> }> = [];

test.before(async () => {
  upstream = createServer(async (req, res) => {
    let bytes = 0;
    for await (const chunk of req) bytes += (chunk as Buffer).length;
    seen.push({ path: req.url ?? '', bytes, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  upstreamPort = (upstream.address() as AddressInfo).port;
  gateway = await startLocalGateway({
    host: '127.0.0.1',
    port: 0,
    upstream: (name) => (name === 'netbackup-status' ? upstreamPort : undefined),
    log: () => undefined,
  });
});
test.after(async () => {
  await gateway.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

/** postExpectingContinue posts as curl does above 1 MB: `Expect: 100-continue`, the body only after the 100. */
function postExpectingContinue(
  url: string,
  body: Buffer,
): Promise<{ status: number; continued: boolean; text: string }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'content-length': body.length, expect: '100-continue' },
      },
      async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve({ status: res.statusCode ?? 0, continued, text });
      },
    );
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('error', reject);
  });
}

test('expect :: a 1.5 MB report posted with Expect: 100-continue (curl above 1 MB) gets 100, then reaches the function', async () => {
  const report = Buffer.alloc(1.5 * 1024 * 1024, 'JOBID TYPE STATE STATUS POLICY\n');
  const res = await postExpectingContinue(`${gateway.url}/function/netbackup-status`, report);
  assert.is(res.status, 200, res.text);
  assert.ok(res.continued, 'the gateway answered 100 Continue');
  assert.equal(JSON.parse(res.text), { bytes: report.length });
  assert.is(seen.at(-1)!.bytes, report.length);
  assert.is(seen.at(-1)!.headers.expect, undefined, 'Expect is hop-by-hop: not forwarded');
});

test('route :: unknown function 404; GET passes its query through', async () => {
  assert.is((await fetch(`${gateway.url}/function/no-such`, { method: 'POST', body: '{}' })).status, 404);
  const res = await fetch(`${gateway.url}/function/netbackup-status/x?y=1`);
  assert.is(res.status, 200);
  assert.is(seen.at(-1)!.path, '/x?y=1');
});

test.run();
