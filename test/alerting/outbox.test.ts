// The outbox's retry timing: exponential backoff with jitter, and the receiver's own Retry-After; the pacing of chat
// webhooks (Slack: one message per second per webhook), delivered to a real HTTP listener with the clock faked.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { buildWebhookPayload } from '#lib/alerting/webhook-payload.ts';
import {
  backoffMs,
  CHAT_PACE_MS,
  CHAT_PACED_PER_RUN,
  DEFAULT_RETRY,
  deliverDue,
  emptyState,
  retryAfterMs,
  sendTo,
  type OutboxEntry,
  type Pacing,
} from '#lib/alerting/router/index.ts';
import { startListener } from '../helpers/listener.ts';

const test = suite('alerting/outbox');
const NOW = Date.parse('2026-11-24T10:00:00Z');

const retryAfter: Array<[string, string | undefined, number]> = [
  ['seconds', '120', 120_000],
  ['seconds with spaces', ' 5 ', 5_000],
  ['an HTTP date', 'Tue, 24 Nov 2026 10:02:00 GMT', 120_000],
  ['a date already past', 'Tue, 24 Nov 2026 09:00:00 GMT', 0],
  ['more than an hour', '86400', 3_600_000],
  ['garbage', 'soon', 0],
  ['absent', undefined, 0],
];
for (const [name, value, expected] of retryAfter) {
  test(`Retry-After :: ${name}`, () => {
    assert.is(retryAfterMs(value, NOW), expected);
  });
}

test('backoff :: doubles per attempt from the base, capped, within ±20 % jitter', () => {
  const policy = { maxAttempts: 8, baseMs: 30_000, capMs: 15 * 60_000, random: () => 0.5 };
  assert.equal(
    [1, 2, 3, 6, 8].map((n) => backoffMs(n, policy)),
    [30_000, 60_000, 120_000, 900_000, 900_000],
  );
  assert.is(backoffMs(1, { ...policy, random: () => 0 }), 24_000);
  assert.is(backoffMs(1, { ...policy, random: () => 0.999999 }), 36_000);
});

test('chat pacing :: messages to one Slack webhook go a second apart, at most 4 a run, the rest later; other integrations are not held', async () => {
  const listener = await startListener();
  try {
    const config = loadAlertmanagerConfig(
      `route:\n  receiver: chat\nreceivers:\n  - name: chat\n    slack_configs:\n      - api_url: '${listener.url}/hooks/ops'\n      - api_url: '${listener.url}/hooks/lead'\n  - name: hook\n    webhook_configs:\n      - url: '${listener.url}/webhook'\n`,
      'test',
    );
    const entry = (n: number, receiver: string, integration: string): OutboxEntry => ({
      id: `e${n}`,
      groupKey: `{}:{n="${n}"}`,
      receiver,
      integration,
      createdAt: NOW,
      attempts: 0,
      nextAttemptAt: NOW,
      payload: buildWebhookPayload({
        receiver,
        groupLabels: { n: String(n) },
        alerts: [
          {
            status: 'firing',
            labels: { alertname: `A${n}` },
            annotations: {},
            startsAt: new Date(NOW).toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: '',
            fingerprint: String(n),
          },
        ],
        externalURL: 'http://router',
      }),
    });
    const state = emptyState();
    state.outbox = [
      ...[0, 1, 2, 3, 4, 5].map((n) => entry(n, 'chat', 'slack/0')),
      entry(6, 'hook', 'webhook/0'),
      entry(7, 'chat', 'slack/1'),
    ];
    // the clock only moves when deliverDue sleeps, and by what it asked: the waits are exact
    let clock = 0;
    const slept: number[] = [];
    const pacing: Pacing = { clock: () => clock, sleep: async (ms) => void (slept.push(ms), (clock += ms)) };
    const run = (now: number) =>
      deliverDue(
        state,
        config,
        now,
        (e, ctx) => sendTo(config.receivers.get(e.receiver)!, e.integration, e.payload, ctx),
        {
          signal: new AbortController().signal,
          userAgent: 't',
          externalURL: 'http://router',
          timeoutMs: 5000,
          policy: DEFAULT_RETRY,
          newId: () => 'id',
          pacing,
        },
      );
    const first = await run(NOW);
    assert.is(first.delivered, CHAT_PACED_PER_RUN + 2, 'four to ops, one to lead, one webhook');
    assert.is(first.paced, 2);
    assert.equal(
      slept,
      [CHAT_PACE_MS, CHAT_PACE_MS, CHAT_PACE_MS],
      'a second between ops messages; none before the first, none for lead or the webhook',
    );
    assert.equal(
      listener.requests.map((r) => r.path),
      ['/hooks/ops', '/hooks/ops', '/hooks/ops', '/hooks/ops', '/webhook', '/hooks/lead'],
    );
    assert.equal(
      state.outbox.map((e) => [e.id, e.attempts, e.nextAttemptAt - NOW]),
      [
        ['e4', 0, 5000],
        ['e5', 0, 6000],
      ],
      'left for later, no attempt counted',
    );
    assert.is((await run(NOW + 1000)).delivered, 0, 'not due yet');
    slept.length = 0;
    const later = await run(NOW + 6000);
    assert.equal([later.delivered, later.paced, state.outbox.length], [2, 0, 0]);
    assert.equal(slept, [CHAT_PACE_MS], 'the two sent later are a second apart too');
  } finally {
    await listener.close();
  }
});

test.run();
