import { buildAlert, type Alert } from '#lib/alerting/index.ts';
import type { AlertPathSpec } from '../check-specs.ts';
import { blocked, type CheckDeps, type CheckOutcome, type EscalationView } from './types.ts';

/** TEST_ALERTNAME names the alert the alert-path check sends; routes may match it to reach the on-call person. */
export const TEST_ALERTNAME = 'ValidationTestAlert';

/** groupLabels reads the label set at the end of an Alertmanager group key (`{}/{…}:{alertname="X", …}`). */
export function groupLabels(groupKey: string): Record<string, string> {
  const at = groupKey.lastIndexOf(':{');
  const labels: Record<string, string> = {};
  if (at === -1) return labels;
  for (const m of groupKey.slice(at + 1).matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return labels;
}

function matches(esc: EscalationView, labels: Record<string, string>, sentAt: number): boolean {
  if (esc.startedAt < sentAt - 1000) return false;
  const grouped = groupLabels(esc.groupKey);
  return Object.entries(grouped).every(([k, v]) => labels[k] === v);
}

/**
 * checkAlertPath sends a test alert through alert-router now and watches its escalation: it passes once someone
 * acknowledged it within the time allowed. The alert is resolved at the end either way, so nobody is paged again.
 */
export async function checkAlertPath(spec: AlertPathSpec, deps: CheckDeps): Promise<CheckOutcome> {
  const port = deps.alertPath;
  if (!port) return blocked('alert-router is not reachable from here (no gateway or invoke token)');
  const sentAt = deps.now();
  const deadline = sentAt.plus({ milliseconds: spec.withinMinutes * 60_000 });
  const alert: Alert = buildAlert({
    alertname: TEST_ALERTNAME,
    severity: 'critical',
    subsystem: 'cmp-ops',
    labels: { release: deps.release, validation_run: deps.runId },
    summary: `Validation of release ${deps.release}: test alert, please acknowledge`,
    description: `Sent by the validation campaign (run ${deps.runId}) to prove that alerts reach the on-call person; acknowledge it within ${spec.withinMinutes} min.`,
    startsAt: sentAt.toUTC().toISO() as string,
  });
  alert.endsAt = deadline.plus({ hours: 1 }).toUTC().toISO() as string;
  // the campaign's labels may set severity and subsystem too, so that the routing sends it where a person answers
  alert.labels = { ...alert.labels, ...spec.labels, alertname: TEST_ALERTNAME };
  await port.send([alert], deps.signal);
  const labels = alert.labels;
  const sent = `test alert ${TEST_ALERTNAME} (validation_run=${deps.runId}) sent at ${sentAt.toUTC().toISO()}`;
  let seen: EscalationView | undefined;
  try {
    for (;;) {
      const escalations = await port.escalations(deps.signal);
      seen = escalations.find((e) => matches(e, labels, sentAt.toMillis())) ?? seen;
      if (seen?.ack) {
        const after = Math.round((seen.ack.at - sentAt.toMillis()) / 1000);
        return {
          status: 'p',
          summary: `acknowledged by ${seen.ack.by} ${after} s after it was sent`,
          evidence: [
            sent,
            `group ${seen.groupKey}`,
            `notified ${seen.notified.join(', ') || 'nobody yet'}`,
            `acknowledged by ${seen.ack.by} at ${new Date(seen.ack.at).toISOString()}${seen.ack.note ? ` (${seen.ack.note})` : ''}`,
          ],
        };
      }
      const left = deadline.toMillis() - deps.now().toMillis();
      if (left <= 0) break;
      await deps.sleep(Math.min(left, (spec.pollSeconds ?? 10) * 1000), deps.signal);
    }
  } finally {
    await port.send([{ ...alert, endsAt: deps.now().toUTC().toISO() as string }], deps.signal).catch(() => undefined);
  }
  if (!seen)
    return {
      status: 'f',
      summary: `the test alert started no escalation within ${spec.withinMinutes} min: its route's receiver pages nobody`,
      evidence: [sent],
    };
  return {
    status: 'f',
    summary: `not acknowledged within ${spec.withinMinutes} min`,
    evidence: [sent, `group ${seen.groupKey}`, `notified ${seen.notified.join(', ') || 'nobody'}`],
  };
}
