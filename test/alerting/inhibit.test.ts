// The inhibitor alone (Alertmanager's rules, from inhibit/inhibit.go): a firing source mutes targets whose `equal`
// labels are equal (missing = empty); a resolved source mutes nothing; an alert matching both sides is not muted by
// sources that also match both sides (no self-inhibition).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { buildInhibitor, type StoredAlert } from '#lib/alerting/router/index.ts';

const test = suite('alerting/inhibit');
const NOW = Date.parse('2026-11-24T10:00:00Z');
const rules = (yaml: string) =>
  loadAlertmanagerConfig(`route:\n  receiver: ops\nreceivers:\n  - name: ops\ninhibit_rules:\n${yaml}`, 'test')
    .inhibitRules;
const nodeRule = rules(
  '  - source_matchers: [\'alertname="NodeNotReady"\']\n    target_matchers: [\'alertname="PodCrashLooping"\']\n    equal: [cluster]\n',
);
const a = (labels: Record<string, string>, endsAt = NOW + 60_000): StoredAlert => ({
  labels,
  annotations: {},
  startsAt: NOW - 60_000,
  endsAt,
  generatorURL: '',
  updatedAt: NOW,
});

const cases: Array<[string, ReturnType<typeof rules>, Record<string, StoredAlert>, string, string | undefined]> = [
  [
    'equal cluster :: muted by the source',
    nodeRule,
    { src: a({ alertname: 'NodeNotReady', cluster: 'c1' }), t: a({ alertname: 'PodCrashLooping', cluster: 'c1' }) },
    't',
    'src',
  ],
  [
    'another cluster :: not muted',
    nodeRule,
    { src: a({ alertname: 'NodeNotReady', cluster: 'c2' }), t: a({ alertname: 'PodCrashLooping', cluster: 'c1' }) },
    't',
    undefined,
  ],
  [
    'both missing the equal label :: muted (missing = empty)',
    nodeRule,
    { src: a({ alertname: 'NodeNotReady' }), t: a({ alertname: 'PodCrashLooping' }) },
    't',
    'src',
  ],
  [
    'resolved source :: not muted',
    nodeRule,
    {
      src: a({ alertname: 'NodeNotReady', cluster: 'c1' }, NOW - 1),
      t: a({ alertname: 'PodCrashLooping', cluster: 'c1' }),
    },
    't',
    undefined,
  ],
  [
    'target not matching the rule :: not muted',
    nodeRule,
    { src: a({ alertname: 'NodeNotReady', cluster: 'c1' }), t: a({ alertname: 'DiskFull', cluster: 'c1' }) },
    't',
    undefined,
  ],
  [
    'both sides :: no self-inhibition',
    rules(
      '  - source_matchers: [\'severity="critical"\']\n    target_matchers: [\'severity=~"critical|warning"\']\n    equal: [cluster]\n',
    ),
    {
      x: a({ alertname: 'A', severity: 'critical', cluster: 'c1' }),
      y: a({ alertname: 'B', severity: 'critical', cluster: 'c1' }),
    },
    'x',
    undefined,
  ],
  [
    'both sides :: a source that is no target mutes',
    rules(
      '  - source_matchers: [\'severity="critical"\']\n    target_matchers: [\'alertname="B"\']\n    equal: [cluster]\n',
    ),
    {
      x: a({ alertname: 'A', severity: 'critical', cluster: 'c1' }),
      y: a({ alertname: 'B', severity: 'critical', cluster: 'c1' }),
    },
    'y',
    'x',
  ],
];
for (const [name, ruleSet, alerts, target, mutedBy] of cases) {
  test(name, () => assert.is(buildInhibitor(ruleSet, alerts, NOW)(alerts[target]!, target), mutedBy));
}

test.run();
