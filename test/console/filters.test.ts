import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { filterQuery, parseFilters, parseSilenceForm } from '#lib/console/index.ts';

const test = suite('console/filters');
const parse = (q: string) => parseFilters(new URLSearchParams(q));

test('filters :: subsystems, severities, matchers and the silenced switch; back to the same query', () => {
  const { filters, problems } = parse(
    'subsystem=DUTCH&subsystem=FOS%2FARPE&severity=critical&q=alertname%3D%22ChecksumMismatch%22&silenced=show',
  );
  assert.equal(problems, []);
  assert.equal(filters.subsystems, ['DUTCH', 'FOS/ARPE']);
  assert.equal(filters.severities, ['critical']);
  assert.equal(
    filters.matchers.map((m) => [m.name, m.type, m.value]),
    [['alertname', '=', 'ChecksumMismatch']],
  );
  assert.ok(filters.showSilenced);
  assert.equal(parse(filterQuery(filters).slice(1)).filters, filters);
});

test('defaults :: no query hides silenced alerts and filters nothing', () => {
  const { filters, problems } = parse('');
  assert.equal(problems, []);
  assert.equal(
    [filters.subsystems, filters.severities, filters.matchers, filters.showSilenced, filters.wall],
    [[], [], [], false, false],
  );
  assert.is(filterQuery(filters), '');
});

for (const [name, query, field, reason] of [
  ['unknown filter label', 'host=ftp1', 'host', /unknown filter "host"/],
  ['unknown subsystem', 'subsystem=MARS', 'subsystem', /unknown subsystem "MARS" \(one of STS, DUTCH/],
  ['unknown severity', 'severity=urgent', 'severity', /unknown severity "urgent"/],
  ['malformed matcher', 'q=alertname%3D~%22(%22', 'q', /label matchers not understood/],
  ['matcher without operator', 'q=alertname', 'q', /label matchers not understood/],
  ['bad silenced value', 'silenced=maybe', 'silenced', /"show" or "hide"/],
] as const) {
  test(`bad filter :: ${name} is reported on its field and dropped, the rest kept`, () => {
    const { filters, problems } = parse(`${query}&severity=warning`);
    assert.is(problems.length, 1, JSON.stringify(problems));
    assert.is(problems[0]!.field, field);
    assert.match(problems[0]!.reason, reason);
    assert.equal(filters.severities, ['warning']);
  });
}

const T0 = Date.parse('2026-11-24T10:00:00Z');
const form = (fields: Record<string, string>) =>
  new URLSearchParams({
    matchers: 'alertname="ChecksumMismatch"\nsubsystem="DUTCH"',
    duration: '2h',
    comment: 'provider re-sends, INC-42',
    ...fields,
  });

test('silence form :: matchers per line, duration, comment; the author is the operator, not a field', () => {
  const r = parseSilenceForm(form({ createdBy: 'someone-else' }), {
    author: 'operator',
    now: T0,
    maxMs: 24 * 3_600_000,
  });
  assert.ok('silence' in r);
  if (!('silence' in r)) return;
  assert.equal(r.silence, {
    matchers: [
      { name: 'alertname', value: 'ChecksumMismatch', isRegex: false, isEqual: true },
      { name: 'subsystem', value: 'DUTCH', isRegex: false, isEqual: true },
    ],
    startsAt: '2026-11-24T10:00:00.000Z',
    endsAt: '2026-11-24T12:00:00.000Z',
    createdBy: 'operator',
    comment: 'provider re-sends, INC-42',
  });
});

for (const [name, fields, reason] of [
  ['longer than the maximum', { duration: '25h' }, /duration: 25h is longer than the maximum of 24 h/],
  ['not a duration', { duration: 'soon' }, /duration: "soon" is not a duration/],
  ['malformed matcher, with its line', { matchers: 'alertname="X"\nhost=~"("' }, /matchers line 2 \(host=~"\("\)/],
  ['no matcher', { matchers: '  \n' }, /at least one matcher/],
  ['matchers that match everything', { matchers: 'alertname=""' }, /would silence every alert/],
  ['no comment', { comment: ' ' }, /comment: say why/],
] as const) {
  test(`silence form :: ${name} is refused with a clear message`, () => {
    const r = parseSilenceForm(form(fields as Record<string, string>), {
      author: 'operator',
      now: T0,
      maxMs: 24 * 3_600_000,
    });
    assert.ok('problems' in r);
    if ('problems' in r) assert.match(r.problems.join('\n'), reason);
  });
}

test.run();
