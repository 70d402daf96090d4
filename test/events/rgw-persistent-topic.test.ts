// A persistent RGW topic (the production setup) keeps an event its endpoint refused and delivers it later: a
// function that answers 503 or is down loses nothing. Real Ceph RGW (shared per test process) pushing to a real HTTP
// listener that refuses the first deliveries. Run once per test run: a new topic's first event can take ~30 s.
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseObjectEvents } from '#lib/events/index.ts';
import { EVENT_TOKEN_PARAM, eventTokenFor, Secret } from '#lib/runtime/index.ts';
import { parseTriggers } from '#lib/triggers/index.ts';
import { applyRgwNotifications } from '../../scripts/rgw/notifications.ts';
import { waitFor } from '../helpers/free-port.ts';
import { startListener, type TestListener } from '../helpers/listener.ts';
import { rgwAvailable, rgwStore } from '../helpers/rgw.ts';

const test = suite('events/rgw-persistent-topic');
let listener: TestListener;

if (rgwAvailable('test/events/rgw-persistent-topic.test.ts')) {
  test.before(async () => {
    listener = await startListener();
  });
  test.after(async () => {
    await listener?.close();
  });

  test('persistent topic :: two refused deliveries (503), then the event arrives once accepted, raw key and token intact', async () => {
    const { rgw, store } = await rgwStore();
    const bucket = `persist-${randomBytes(3).toString('hex')}`;
    await store.ensureBucket(bucket);
    const declaration = parseTriggers({
      targets: [
        {
          id: `PERSIST${bucket.slice(-6).toUpperCase()}`,
          function: 'checksum-verify',
          bucket,
          events: ['s3:ObjectCreated:Put'],
          prefix: 'in/',
          suffix: '',
        },
      ],
    });
    const token = new Secret('persistent-topic-test-token');
    await applyRgwNotifications(declaration, {
      s3: { url: new URL(rgw.endpoint), region: 'us-east-1', accessKey: rgw.accessKey, secretKey: rgw.secretKey },
      gatewayUrl: listener.url,
      invokeToken: token,
      persistent: true,
    });
    listener.failNext(2, 503);
    const putAt = Date.now();
    await store.put(bucket, 'out/ignored.txt', 'not under the prefix');
    await store.put(bucket, 'in/a b+c ü.txt', 'payload');
    await waitFor('the event after the refusals', async () => listener.requests.length > 0, 120_000);
    process.stdout.write(
      `\n  RGW persistent topic: PUT → accepted delivery after two 503s in ${Date.now() - putAt} ms\n`,
    );
    const [request] = listener.requests;
    assert.is(
      new URL(request!.path, 'http://x').searchParams.get(EVENT_TOKEN_PARAM),
      eventTokenFor(token, 'checksum-verify'),
    );
    assert.is(request!.headers.authorization, undefined, 'RGW sends no authorization header');
    const events = parseObjectEvents(JSON.parse(request!.body));
    assert.equal(
      events.map((e) => [e.source, e.bucket, e.key, e.name]),
      [['ceph', bucket, 'in/a b+c ü.txt', 's3:ObjectCreated:Put']],
    );
    assert.is(listener.requests.length, 1, 'the object outside the prefix sent nothing');
  });
}

test.run();
