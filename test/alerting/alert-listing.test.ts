// selectAlerts: the paged listing of GET /api/v2/alerts keeps only the smallest fingerprints of a page while it
// scans; every page must equal what sorting all matches and slicing gives (the listing before that change).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { selectAlerts, type AlertQuery } from '#lib/alerting/router/alert-listing.ts';
import { emptyState } from '#lib/alerting/router/state.ts';

const test = suite('alerting/alert-listing');
const NOW = 1_800_000_000_000;

/** a seeded generator (mulberry32): the same states on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stateOf(count: number, rnd: () => number) {
  const state = emptyState();
  for (let i = 0; i < count; i++) {
    const fp = Math.floor(rnd() * 2 ** 52)
      .toString(16)
      .padStart(16, '0');
    state.alerts[fp] = {
      labels: { alertname: `A${i % 7}`, subsystem: i % 2 ? 'STS' : 'CCS' },
      annotations: {},
      startsAt: NOW - 1000,
      endsAt: rnd() < 0.8 ? NOW + 60_000 : NOW - 1,
      generatorURL: '',
      updatedAt: NOW,
    };
  }
  return state;
}

function expected(state: ReturnType<typeof emptyState>, query: AlertQuery) {
  const all = Object.entries(state.alerts)
    .filter(
      ([fp, a]) => (query.after === undefined || fp > query.after) && (a.endsAt > NOW ? query.active : query.resolved),
    )
    .filter(([, a]) => query.matchers.every((m) => a.labels[m.name] === m.value))
    .map(([fp]) => fp)
    .sort();
  if (query.limit === undefined || all.length <= query.limit) return { fingerprints: all };
  return { fingerprints: all.slice(0, query.limit), next: all[query.limit - 1] };
}

test('pages equal sort-and-slice :: 200 seeded states, limits 1–60, with and without after and filters', async () => {
  const signal = new AbortController().signal;
  const rnd = random(7);
  for (let round = 0; round < 200; round++) {
    const state = stateOf(1 + Math.floor(rnd() * 3000), rnd);
    const limit = 1 + Math.floor(rnd() * 60);
    const fps = Object.keys(state.alerts).sort();
    const after = rnd() < 0.5 ? fps[Math.floor(rnd() * fps.length)] : undefined;
    const matchers = rnd() < 0.3 ? [{ name: 'subsystem', value: 'STS', type: '=' as const }] : [];
    const query = { matchers, active: true, resolved: rnd() < 0.5, limit, ...(after ? { after } : {}) } as AlertQuery;
    assert.equal(await selectAlerts(state, query, NOW, signal), expected(state, query), `round ${round}`);
  }
});

test('walking every page :: each alert listed once, in order, and the last page has no next', async () => {
  const state = stateOf(5000, random(11));
  const signal = new AbortController().signal;
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await selectAlerts(
      state,
      { matchers: [], active: true, resolved: true, limit: 333, ...(after ? { after } : {}) },
      NOW,
      signal,
    );
    seen.push(...page.fingerprints);
    if (!page.next) break;
    after = page.next;
  }
  assert.equal(seen, Object.keys(state.alerts).sort());
});

test.run();
