// Builds bpdbjobs -all_columns / -most_columns lines strictly in the documented field order (reference
// netbackup.md §2, from lazywinadmin/NetBackupPS's header and five public parsers). No public capture exists.

/** escapeField writes a value as bpdbjobs does: a comma becomes `\,`, a trailing backslash is doubled. */
export function escapeField(value: string): string {
  return value.replace(/,/g, '\\,').replace(/\\$/, '\\\\');
}

export interface TrySpec {
  pid?: number;
  stunit?: string;
  server?: string;
  started: number;
  elapsed: number;
  ended: number;
  status: number;
  description?: string;
  lines?: string[];
  kb?: number;
  files?: number;
}

export interface JobSpec {
  jobid: number;
  jobtype?: number;
  state?: number;
  status?: number | '';
  policy?: string;
  schedule?: string;
  client?: string;
  server?: string;
  started?: number;
  elapsed?: number;
  ended?: number | '0000000000';
  kbytes?: number;
  files?: number;
  scheduleType?: number;
  master?: string;
  fileList?: string[];
  tries?: TrySpec[];
  parentjob?: number;
  extra?: string[];
}

/** allColumnsLine composes one -all_columns line (or -most_columns with `most: true`). */
export function allColumnsLine(job: JobSpec, most = false): string {
  const head = [
    job.jobid,
    job.jobtype ?? 0,
    job.state ?? 3,
    job.status ?? 0,
    job.policy ?? 'STS_Daily',
    job.schedule ?? 'Full',
    job.client ?? 'sts-app01',
    job.server ?? 'media01',
    job.started ?? 1764021600,
    job.elapsed ?? 600,
    job.ended ?? 1764022200,
    'stu_disk_01',
    1,
    3,
    job.kbytes ?? 1048576,
    job.files ?? 1200,
    escapeField('/var/log/messages'),
    100,
    4242,
    'root',
    1,
    0,
    job.scheduleType ?? 0,
    0,
    '',
    job.master ?? 'nbmaster01',
    1,
    3,
    0,
    1000000,
    1100,
  ].map(String);
  const files = job.fileList ?? ['/etc'];
  const tries = job.tries ?? [
    {
      started: job.started ?? 1764021600,
      elapsed: job.elapsed ?? 600,
      ended: Number(job.ended ?? 1764022200) || 0,
      status: Number(job.status ?? 0),
    },
  ];
  const tail = [
    job.parentjob ?? job.jobid,
    1747,
    1,
    '',
    '',
    '',
    0,
    0,
    '',
    '',
    '',
    '',
    0,
    0,
    0,
    1,
    0,
    0,
    `${job.client ?? 'sts-app01'}_${job.started ?? 1764021600}`,
    1,
    'media01',
  ].map(String);
  const parts: string[] = [...head, String(files.length)];
  if (most) parts.push(String(tries.length));
  else {
    parts.push(...files.map(escapeField), String(tries.length));
    for (const t of tries) {
      const lines = t.lines ?? [`11/24/2026 22:00:00 - Info bpbrm(pid=4242) starting bpbkar on client`];
      parts.push(
        String(t.pid ?? 4242),
        t.stunit ?? 'stu_disk_01',
        t.server ?? 'media01',
        String(t.started),
        String(t.elapsed),
        String(t.ended),
        String(t.status),
        escapeField(t.description ?? ''),
        String(lines.length),
        ...lines.map(escapeField),
        String(t.kb ?? 1048576),
        String(t.files ?? 1200),
      );
    }
  }
  return [...parts, ...tail, ...(job.extra ?? [])].join(',');
}
