import type { CliCommand } from '../io.ts';

/**
 * COMMANDS maps each `cmp-ops <name>` to its module, loaded on demand. Each domain adds its own line here.
 * A module exports `run: CliCommand`.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CliCommand }> }> = {
  netbackup: {
    summary: 'netbackup parse|summary [file|-]: NetBackup job status from bpdbjobs reports or REST pages',
    load: () => import('./netbackup.ts'),
  },
  ftp: {
    summary: 'ftp parse|audit [file|-]: FTP server logs (xferlog, vsftpd) to records and audit findings',
    load: () => import('./ftp.ts'),
  },
  verify: {
    summary: 'verify <file|s3://…>… [--expect ALG:HEX] | verify --check MANIFEST: checksums like sha256sum -c',
    load: () => import('./verify.ts'),
  },
  sweep: {
    summary:
      'sweep bucket[/prefix]…: re-prove stored objects against their verdicts (modified, missing, unverified, stale-pending)',
    load: () => import('./sweep.ts'),
  },
  release: {
    summary: 'release approve|diff: record the running image digests as the validated release, or show what changed',
    load: () => import('./release.ts'),
  },
  routes: {
    summary:
      'routes test|check|publish|export --config alertmanager.yml [--at TIME] label=value…: receivers as amtool prints them',
    load: () => import('./routes.ts'),
  },
  oncall: {
    summary: 'oncall who --config alertmanager.yml [--at TIME]: who is on call, with French holidays and overrides',
    load: () => import('./oncall.ts'),
  },
  silence: {
    summary: 'silence add|list|expire: Alertmanager-style silences in alert-router',
    load: () => import('./silence.ts'),
  },
  validate: {
    summary:
      'validate run --release NAME --campaign FILE [--testlink URL]: run a validation campaign, record it in TestLink',
    load: () => import('./validate.ts'),
  },
  console: {
    summary:
      'console add-user NAME: hash a password (stdin) into the NAME:hash line of the cmp-ops-console-users secret',
    load: () => import('./console.ts'),
  },
  'dead-letters': {
    summary: 'dead-letters list|retry ID: notifications alert-router gave up on; resend one once its receiver is fixed',
    load: () => import('./dead-letters.ts'),
  },
  vmware: {
    summary:
      'vmware check --url URL --user U --password-file F [--expect FILE]: vCenter VMs, hosts, datastores against expectations',
    load: () => import('./vmware.ts'),
  },
  alert: {
    summary: 'alert send label=value… [--annotation k=v]: post an alert to alert-router',
    load: () => import('./alert.ts'),
  },
};
