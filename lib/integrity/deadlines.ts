import type { DateTime } from 'luxon';
import { buildAlert, type Alert } from '#lib/alerting/index.ts';
import { manifestPrefix, verdictKey, verdictPrefix } from '#lib/storage/index.ts';
import { missingAlert, type ArrivalDeps, type ManifestRecord, type VerdictRecord } from './arrival.ts';

/** DeadlineReport says what one timer pass found. */
export interface DeadlineReport {
  scanned: number;
  checksumMissing: string[];
  deliveryIncomplete: string[];
  deliveryCompleted: string[];
}

/**
 * checkDeadlines is the timer pass of checksum-verify: an object still `pending` past the deadline raises
 * ChecksumMissing (once; its later verdict resolves it), and a manifest whose named files have not all arrived past
 * the deadline raises DeliveryIncomplete (resolved when the last one lands). `limit` bounds one pass.
 */
export async function checkDeadlines(
  deps: Pick<ArrivalDeps, 'store' | 'state' | 'alerts' | 'subsystemOf'>,
  now: DateTime,
  deadlineMinutes: number,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<DeadlineReport> {
  const report: DeadlineReport = { scanned: 0, checksumMissing: [], deliveryIncomplete: [], deliveryCompleted: [] };
  const nowIso = now.toUTC().toISO() as string;
  const cutoff = now.minus({ minutes: deadlineMinutes }).toUTC().toISO() as string;
  const alerts: Alert[] = [];
  const writes: Array<() => Promise<unknown>> = [];
  for await (const key of deps.state.list(verdictPrefix())) {
    if (++report.scanned > (options.limit ?? 10_000)) break;
    const stored = await deps.state.read<VerdictRecord>(key);
    const record = stored?.value;
    if (record?.verdict !== 'pending' || record.missingAlertedAt || (record.firstSeenAt ?? record.verifiedAt) > cutoff)
      continue;
    const updated = { ...record, missingAlertedAt: nowIso };
    alerts.push(missingAlert(updated, deps));
    writes.push(() => deps.state.write(verdictKey(record.bucket, record.key), updated, { ifMatch: stored!.etag }));
    report.checksumMissing.push(`${record.bucket}/${record.key}`);
  }
  for await (const key of deps.state.list(manifestPrefix)) {
    const stored = await deps.state.read<ManifestRecord>(key);
    const manifest = stored?.value;
    if (!manifest || (manifest.waiting.length === 0 && !manifest.incompleteAlertedAt)) continue;
    const stillMissing: string[] = [];
    for (const k of manifest.waiting)
      if (!(await deps.store.stat(manifest.bucket, k, options.signal ? { signal: options.signal } : {})))
        stillMissing.push(k);
    const alert = (resolvedAt?: string) =>
      buildAlert({
        alertname: 'DeliveryIncomplete',
        severity: 'critical',
        subsystem: deps.subsystemOf(manifest.bucket, manifest.key),
        labels: { bucket: manifest.bucket, key: manifest.key },
        summary: `Delivery incomplete: ${stillMissing.length || manifest.waiting.length} file(s) named by s3://${manifest.bucket}/${manifest.key} never arrived`,
        description: `Missing: ${(stillMissing.length ? stillMissing : manifest.waiting).join(', ')}`,
        startsAt: manifest.incompleteAlertedAt ?? nowIso,
        ...(resolvedAt ? { resolvedAt } : {}),
      });
    if (stillMissing.length === 0) {
      if (manifest.incompleteAlertedAt) alerts.push(alert(nowIso));
      report.deliveryCompleted.push(`${manifest.bucket}/${manifest.key}`);
      writes.push(() =>
        deps.state.write(
          key,
          { bucket: manifest.bucket, key: manifest.key, arrivedAt: manifest.arrivedAt, waiting: [] },
          { ifMatch: stored!.etag },
        ),
      );
    } else if (!manifest.incompleteAlertedAt && manifest.arrivedAt <= cutoff) {
      alerts.push(alert());
      report.deliveryIncomplete.push(`${manifest.bucket}/${manifest.key}`);
      writes.push(() =>
        deps.state.write(
          key,
          { ...manifest, waiting: stillMissing, incompleteAlertedAt: nowIso },
          { ifMatch: stored!.etag },
        ),
      );
    }
  }
  // Alerts first, then the marks: if alert-router is down, the next pass raises them again.
  await deps.alerts.send(alerts, options.signal);
  for (const write of writes) await write();
  return report;
}
