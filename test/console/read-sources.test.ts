// The console's source readers over real HTTP and S3: alert-router answered by a listener serving its own groups
// listing (lib/alerting/router's code over a state built by its ingest), the state bucket in s3rver. A read that
// brings nothing new answers the previous data object (what the overview's caches are keyed on); a change is read.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { emptyState, ingestAlerts, listAlertGroups, parseGroupQuery } from '#lib/alerting/router/index.ts';
import { createRouterClient, createSourceReaders, parseFilters, type SourceReaders } from '#lib/console/index.ts';
import { selectGroups } from '#lib/console/alert-groups.ts';
import { createStateStore, netbackupStateKey, verdictKey } from '#lib/storage/index.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

const test = suite('console/read-sources');
const NOW = Date.parse('2026-11-24T10:00:00Z');
const config = loadAlertmanagerConfig(
  'route: { receiver: desk, group_by: [subsystem] }\nreceivers: [{ name: desk }]\n',
  'x',
);
const routerState = emptyState();
const asked: string[] = [];
let s3: TestS3;
let server: Server;
let readers: SourceReaders;
const signal = () => AbortSignal.timeout(10_000);

const fire = (labels: Record<string, string>) =>
  ingestAlerts(
    routerState,
    [
      {
        labels: { severity: 'warning', ...labels },
        annotations: {},
        startsAt: new Date(NOW - 60_000),
        endsAt: new Date(NOW + 3_600_000),
        generatorURL: '',
      },
    ] as never,
    config,
    NOW,
  );
const verdict = (key: string) =>
  s3.store.put(
    'cmp-ops-state',
    verdictKey('inbox', key),
    JSON.stringify({ bucket: 'inbox', key, verdict: 'pending', size: 1, firstSeenAt: '2026-11-24T09:00:00Z' }),
  );
const backups = (client: string) =>
  s3.store.put(
    'cmp-ops-state',
    netbackupStateKey('nbmaster01'),
    JSON.stringify({
      version: 1,
      pairs: { [client]: { policy: 'P', client, schedule: 'Incr', lastSuccess: null, recent: [] } },
      alerts: {},
    }),
  );

test.before(async () => {
  s3 = await startTestS3();
  fire({ alertname: 'ChecksumMismatch', subsystem: 'DUTCH' });
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const path = (req.url ?? '').split('?')[0];
    const body =
      path === '/function/alert-router/api/v2/alerts/groups'
        ? JSON.stringify(listAlertGroups(routerState, config, parseGroupQuery(new URLSearchParams()), NOW))
        : path === '/function/alert-router/api/v2/alerts' ||
            path?.endsWith('/silences') ||
            path?.endsWith('/escalations')
          ? '[]'
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(body ?? '{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const state = createStateStore(s3.store, 'cmp-ops-state');
  readers = createSourceReaders({
    store: s3.store,
    state,
    router: createRouterClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => 'token'),
    routingText: async () => undefined,
    netbackupMasters: ['nbmaster01'],
    quarantineBucket: 'quarantine',
    maxVerdicts: 1000,
  });
});
test.after(async () => {
  server.close();
  await s3.close();
});

test('alerts :: unchanged groups keep their object (and the selection cached on it); a new alert is read', async () => {
  const first = (await readers.alerts(signal())).data;
  const again = (await readers.alerts(signal())).data;
  assert.ok(first.groups === again.groups, 'same groups object');
  const filters = parseFilters(new URLSearchParams()).filters;
  assert.ok(selectGroups(first.groups, filters) === selectGroups(again.groups, filters), 'the selection is reused');
  assert.ok(asked.some((u) => u.includes('/api/v2/alerts?filter=alertname%3D%7E%22FtpBruteForce%7C')));
  fire({ alertname: 'BackupFailed', subsystem: 'CCS' });
  const changed = (await readers.alerts(signal())).data;
  assert.ok(changed.groups !== first.groups);
  assert.equal(
    changed.groups.map((g) => g.labels.subsystem),
    ['CCS', 'DUTCH'],
  );
  assert.is(selectGroups(changed.groups, filters).active, 2);
});

test('backups :: the NetBackup record is re-read only when its ETag changed', async () => {
  await backups('sts-app01');
  const first = (await readers.backups(signal())).data;
  assert.ok(first === (await readers.backups(signal())).data);
  await backups('egm-app02');
  const changed = (await readers.backups(signal())).data;
  assert.ok(changed !== first);
  assert.equal(
    changed.masters[0]!.pairs.map((p) => p.client),
    ['egm-app02'],
  );
});

test('deliveries :: unchanged verdicts keep their object; one more verdict is read', async () => {
  await verdict('DUTCH/a.dat');
  await verdict('DUTCH/b.dat');
  const first = (await readers.deliveries(signal())).data;
  assert.ok(first === (await readers.deliveries(signal())).data);
  await verdict('STS/c.dat');
  const changed = (await readers.deliveries(signal())).data;
  assert.ok(changed !== first);
  assert.equal(changed.records.map((r) => r.key).sort(), ['DUTCH/a.dat', 'DUTCH/b.dat', 'STS/c.dat']);
});

test.run();
