/** CHECK_NAMES are the checks a campaign can run, each proving one thing about a new version. */
export const CHECK_NAMES = [
  'images-approved',
  'workloads-healthy',
  'delivery-intact',
  'sweep-clean',
  'backup-after-upgrade',
  'ftp-transfer',
  'alert-path',
] as const;

/** CheckName is one of CHECK_NAMES. */
export type CheckName = (typeof CHECK_NAMES)[number];

interface Base {
  testcase: string;
  /** title is shown in the notes; the check's name otherwise. */
  title?: string;
}

/** ImagesApproved: every running image digest is in the approved release (installation-watch's manifest). */
export interface ImagesApprovedSpec extends Base {
  check: 'images-approved';
  namespaces?: string[];
  /** manifest is `state:<key>` in the state bucket (installation-watch's RELEASE_MANIFEST). */
  manifest?: string;
}

/** WorkloadsHealthy: no node finding, and no workload or pod finding in the listed namespaces. */
export interface WorkloadsHealthySpec extends Base {
  check: 'workloads-healthy';
  namespaces: string[];
}

/** DeliveryIntact: every object under `location` (bucket/prefix) has checksum-verify's verdict `ok`. */
export interface DeliveryIntactSpec extends Base {
  check: 'delivery-intact';
  location: string;
}

/** SweepClean: an integrity sweep of `location` run now finds no drift. */
export interface SweepCleanSpec extends Base {
  check: 'sweep-clean';
  location: string;
  concurrency?: number;
}

/** BackupAfterUpgrade: each client has a successful backup that started at or after `upgradeAt`. */
export interface BackupAfterUpgradeSpec extends Base {
  check: 'backup-after-upgrade';
  clients: string[];
  upgradeAt: string;
  /** reports is the bucket/prefix of the NetBackup reports netbackup-status reads. */
  reports?: string;
}

/** FtpTransfer: the upload of `path` is in the FTP logs, complete, and `object` holds the same number of bytes. */
export interface FtpTransferSpec extends Base {
  check: 'ftp-transfer';
  server: string;
  path: string;
  /** logs is the bucket/prefix of that server's logs (ftp-audit's FTP_SOURCES prefix). */
  logs: string;
  zone?: string;
  object: string;
}

/** AlertPath: a test alert sent now reaches its receiver and is acknowledged within `withinMinutes`. */
export interface AlertPathSpec extends Base {
  check: 'alert-path';
  withinMinutes: number;
  labels?: Record<string, string>;
  pollSeconds?: number;
}

/** CheckSpec is one check of a campaign file. */
export type CheckSpec =
  | ImagesApprovedSpec
  | WorkloadsHealthySpec
  | DeliveryIntactSpec
  | SweepCleanSpec
  | BackupAfterUpgradeSpec
  | FtpTransferSpec
  | AlertPathSpec;

const base = { check: { type: 'string' }, testcase: { type: 'string' }, title: { type: 'string', minLength: 1 } };
const location = { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$' };
const names = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } };
const spec = (required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  required: ['check', 'testcase', ...required],
  additionalProperties: false,
  properties: { ...base, ...properties },
});

/** CHECK_SCHEMAS validate each check's own settings (misspelt keys are errors, not silently ignored). */
export const CHECK_SCHEMAS: Record<CheckName, Record<string, unknown>> = {
  'images-approved': spec([], { namespaces: names, manifest: { type: 'string', pattern: '^state:.+' } }),
  'workloads-healthy': spec(['namespaces'], { namespaces: names }),
  'delivery-intact': spec(['location'], { location }),
  'sweep-clean': spec(['location'], { location, concurrency: { type: 'integer', minimum: 1, maximum: 16 } }),
  'backup-after-upgrade': spec(['clients', 'upgradeAt'], {
    clients: names,
    upgradeAt: { type: 'string', format: 'date-time' },
    reports: location,
  }),
  'ftp-transfer': spec(['server', 'path', 'logs', 'object'], {
    server: { type: 'string', minLength: 1 },
    path: { type: 'string', pattern: '^/' },
    logs: location,
    zone: { type: 'string', minLength: 1 },
    object: { type: 'string', pattern: '^s3://[^/]+/.+' },
  }),
  'alert-path': spec(['withinMinutes'], {
    withinMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 1440 },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    pollSeconds: { type: 'number', minimum: 1, maximum: 300 },
  }),
};

/** splitLocation turns `bucket/prefix` into its parts (the prefix may be empty). */
export function splitLocation(location: string): { bucket: string; prefix: string } {
  const slash = location.indexOf('/');
  return slash === -1
    ? { bucket: location, prefix: '' }
    : { bucket: location.slice(0, slash), prefix: location.slice(slash + 1) };
}
