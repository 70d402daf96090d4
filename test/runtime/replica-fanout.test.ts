// The alert client's fan-out to every alert-router replica, against real HTTP listeners standing for the replicas.
// The headless Service's DNS answer is injected (a resolver returning the listeners' address), since no cluster DNS
// runs here; IP literals are used as given.
import { createServer, type Server } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, AlertSink } from '#lib/alerting/alert.ts';
import { createReplicaFanoutSink, parsePeers } from '#lib/runtime/replica-fanout.ts';

interface Replica {
  port: number;
  bodies: Array<{ auth: string | undefined; alerts: Alert[] }>;
  server: Server;
  status: number;
}
function replica(status = 200): Promise<Replica> {
  return new Promise((done) => {
    const r = { port: 0, bodies: [], status } as unknown as Replica;
    r.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        r.bodies.push({ auth: req.headers.authorization, alerts: JSON.parse(body) });
        res.writeHead(r.status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    r.server.listen(0, '127.0.0.1', () => {
      r.port = (r.server.address() as { port: number }).port;
      done(r);
    });
  });
}
const alerts: Alert[] = [{ labels: { alertname: 'Disk', severity: 'critical' }, annotations: {} }];
const noFallback: AlertSink = {
  send: async () => {
    throw new Error('the fallback must not be used');
  },
};

const test = suite('replica fan-out');
let a: Replica;
let b: Replica;
test.before(async () => {
  [a, b] = await Promise.all([replica(), replica()]);
});
test.after(() => {
  a.server.close();
  b.server.close();
});
test.before.each(() => {
  a.bodies = [];
  b.bodies = [];
  a.status = 200;
  b.status = 200;
});

test('every replica gets the batch, with the bearer token', async () => {
  const sink = createReplicaFanoutSink({
    peers: parsePeers(`http://127.0.0.1:${a.port}, http://127.0.0.1:${b.port}`),
    token: () => 't0k',
    fallback: noFallback,
  });
  await sink.send(alerts);
  for (const r of [a, b]) assert.equal(r.bodies, [{ auth: 'Bearer t0k', alerts }]);
});

test('a name stands for every address it resolves to (a headless Service)', async () => {
  const asked: string[] = [];
  const sink = createReplicaFanoutSink({
    peers: parsePeers(`http://alert-router-peers.openfaas-fn.svc.cluster.local:${a.port}`),
    token: () => 't',
    fallback: noFallback,
    resolve: async (host) => {
      asked.push(host);
      return ['127.0.0.1', '127.0.0.1'];
    },
  });
  await sink.send(alerts);
  assert.equal(asked, ['alert-router-peers.openfaas-fn.svc.cluster.local']);
  assert.is(a.bodies.length, 1, 'one address, posted once');
});

test('one replica down: delivered through the other', async () => {
  b.status = 503;
  const sink = createReplicaFanoutSink({
    peers: parsePeers(`http://127.0.0.1:${a.port},http://127.0.0.1:${b.port},http://127.0.0.1:1`),
    token: () => 't',
    fallback: noFallback,
  });
  await sink.send(alerts);
  assert.is(a.bodies.length, 1);
});

test('no replica takes it: retryable; every replica refuses it: permanent', async () => {
  a.status = 503;
  b.status = 429;
  const sink = createReplicaFanoutSink({
    peers: parsePeers(`http://127.0.0.1:${a.port},http://127.0.0.1:${b.port}`),
    token: () => 't',
    fallback: noFallback,
  });
  const err = await sink.send(alerts).catch((e) => e);
  assert.is(err.code, 'GATEWAY_UNAVAILABLE');
  assert.is(err.retryable, true);
  a.status = 400;
  b.status = 400;
  const refused = await sink.send(alerts).catch((e) => e);
  assert.is(refused.code, 'UPSTREAM_REJECTED');
});

test('a name that resolves to nothing: the batch goes through the gateway', async () => {
  const viaGateway: Alert[][] = [];
  const sink = createReplicaFanoutSink({
    peers: parsePeers('http://alert-router-peers:8080'),
    token: () => 't',
    fallback: { send: async (x) => void viaGateway.push(x) },
    resolve: async () => {
      throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    },
  });
  await sink.send(alerts);
  assert.equal(viaGateway, [alerts]);
});

test('bad peer lists are refused by entry', () => {
  assert.throws(() => parsePeers('http://ok:1,not a url'), /entry 2 is not a URL/);
  assert.throws(() => parsePeers('ftp://x'), /entry 1 is not http/);
});

test.run();
