import { DateTime } from 'luxon';
import { parseFtpLog, type TransferRecord } from '#lib/ftp/index.ts';
import { parseNetBackup, type NetBackupJob } from '#lib/netbackup/index.ts';
import { splitLocation, type BackupAfterUpgradeSpec, type FtpTransferSpec } from '../check-specs.ts';
import { capped, type CheckDeps, type CheckOutcome } from './types.ts';

const jobLine = (j: NetBackupJob) =>
  `job ${j.jobId} ${j.class} status ${j.status ?? '-'} policy ${j.policy} schedule ${j.schedule} client ${j.client} started ${j.started ?? '?'} ended ${j.ended ?? '?'}`;

/**
 * checkBackupAfterUpgrade reads the NetBackup reports written since the upgrade (older ones cannot hold a job that
 * started after it) and wants, for each client, a successful backup job that started at or after the upgrade.
 */
export async function checkBackupAfterUpgrade(spec: BackupAfterUpgradeSpec, deps: CheckDeps): Promise<CheckOutcome> {
  const { bucket, prefix } = splitLocation(spec.reports ?? 'reports/netbackup/');
  const upgradeAt = DateTime.fromISO(spec.upgradeAt, { zone: 'utc' });
  const since = upgradeAt.toUTC().toISO() as string;
  const wanted = new Set(spec.clients);
  const firstSuccess = new Map<string, NetBackupJob>();
  const others: NetBackupJob[] = [];
  const read: string[] = [];
  for await (const item of deps.store.list(bucket, prefix, {
    recursive: true,
    ...(deps.signal ? { signal: deps.signal } : {}),
  })) {
    if (item.lastModified.getTime() < upgradeAt.toMillis()) continue;
    read.push(item.key);
    for await (const record of parseNetBackup(
      await deps.store.getStream(bucket, item.key, deps.signal ? { signal: deps.signal } : {}),
      { format: 'auto' },
    )) {
      if (
        record.kind !== 'job' ||
        record.isParent ||
        !wanted.has(record.client) ||
        !record.started ||
        Date.parse(record.started) < upgradeAt.toMillis()
      )
        continue;
      if (record.class === 'success') {
        const before = firstSuccess.get(record.client);
        if (!before || Date.parse(before.started ?? '') > Date.parse(record.started))
          firstSuccess.set(record.client, record);
      } else if (record.class === 'failure' || record.class === 'partial') others.push(record);
    }
  }
  const missing = spec.clients.filter((c) => !firstSuccess.has(c));
  const evidence = [
    `upgrade at ${since}; ${read.length} report(s) read under s3://${bucket}/${prefix}: ${read.slice(0, 5).join(', ')}${read.length > 5 ? ' …' : ''}`,
    ...[...firstSuccess.values()].map(jobLine),
  ];
  if (missing.length > 0) {
    return {
      status: 'f',
      summary: `no successful backup started after ${since} for ${missing.join(', ')}`,
      evidence: capped([...evidence, ...others.filter((j) => missing.includes(j.client)).map(jobLine)]),
    };
  }
  return {
    status: 'p',
    summary: `${spec.clients.length} client(s) backed up successfully after the upgrade`,
    evidence: capped(evidence),
  };
}

// vsftpd logs `/inbox/./name`, xferlog writers turn spaces into `_`: the same upload under both spellings
const normalize = (path: string) =>
  path
    .replace(/\/\.\//g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/ /g, '_');

/** checkFtpTransfer finds the named upload, complete, in the server's logs, and the object it became with the same size. */
export async function checkFtpTransfer(spec: FtpTransferSpec, deps: CheckDeps): Promise<CheckOutcome> {
  const { bucket, prefix } = splitLocation(spec.logs);
  const want = normalize(spec.path);
  let last: TransferRecord | undefined;
  let lastLog = '';
  const incomplete: string[] = [];
  for await (const item of deps.store.list(bucket, prefix, {
    recursive: true,
    ...(deps.signal ? { signal: deps.signal } : {}),
  })) {
    const stream = await deps.store.getStream(bucket, item.key, deps.signal ? { signal: deps.signal } : {});
    const options = {
      server: spec.server,
      zone: spec.zone ?? 'UTC',
      fileTime: DateTime.fromJSDate(item.lastModified, { zone: 'utc' }),
    };
    for await (const record of parseFtpLog(stream, options)) {
      if (record.kind !== 'transfer' || record.direction !== 'upload' || normalize(record.path) !== want) continue;
      if (!record.complete) {
        incomplete.push(
          `${item.key} line ${record.line}: incomplete upload of ${record.bytes} bytes by ${record.user} from ${record.host} at ${record.time}`,
        );
        continue;
      }
      if (!last || record.time >= last.time) {
        last = record;
        lastLog = item.key;
      }
    }
  }
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(spec.object)!;
  if (!last)
    return {
      status: 'f',
      summary: `no completed upload of ${spec.path} in the logs of ${spec.server} under s3://${bucket}/${prefix}`,
      evidence: capped(incomplete),
    };
  const logged = `s3://${bucket}/${lastLog} line ${last.line} (${last.format}): ${last.bytes} bytes uploaded by ${last.user} from ${last.host}, completed ${last.time}`;
  const info = await deps.store.stat(m[1]!, m[2]!, deps.signal ? { signal: deps.signal } : {});
  if (!info)
    return { status: 'f', summary: `${spec.path} was uploaded but ${spec.object} does not exist`, evidence: [logged] };
  const tags = await deps.store.getTags(m[1]!, m[2]!).catch(() => ({}) as Record<string, string>);
  const stored = `${spec.object}: ${info.size} bytes, etag ${info.etag}, stored ${info.lastModified.toISOString()}, verdict ${tags['cmp-ops-verdict'] ?? 'none'}`;
  if (info.size !== last.bytes)
    return {
      status: 'f',
      summary: `${spec.object} holds ${info.size} bytes, the FTP log says ${last.bytes} were uploaded`,
      evidence: [logged, stored],
    };
  return {
    status: 'p',
    summary: `${spec.path} uploaded to ${spec.server} and stored whole (${info.size} bytes)`,
    evidence: [logged, stored],
  };
}
