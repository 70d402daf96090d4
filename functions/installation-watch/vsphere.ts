import { readFileSync } from 'node:fs';
import { opsError, type FunctionDeps, type RequestContext } from '#lib/runtime/index.ts';
import { readConfigText, type ObjectStore } from '#lib/storage/index.ts';
import {
  createVsphereClient,
  DEFAULT_EXPECTATIONS,
  parseExpectations,
  readInventory,
  runVsphereWatch,
  type VsphereDialect,
  type VsphereExpectations,
  type VsphereReport,
} from '#lib/vsphere/index.ts';

/** VsphereConfig is the vCenter part of installation-watch's configuration (docs/deploy.md "vCenter"). */
export interface VsphereConfig {
  VSPHERE_URL?: string;
  VSPHERE_EXPECTATIONS: string;
  VSPHERE_API: VsphereDialect;
  VSPHERE_CA_FILE?: string;
  VSPHERE_TIMEOUT_MS: number;
}

export const vsphereConfigProperties = {
  VSPHERE_URL: { type: 'string', pattern: '^https://[^/]+' },
  VSPHERE_EXPECTATIONS: {
    type: 'string',
    pattern: '^(state|file):.+',
    default: 'state:installation-watch/vsphere.yaml',
  },
  VSPHERE_API: { type: 'string', enum: ['auto', 'api', 'rest'], default: 'auto' },
  VSPHERE_CA_FILE: { type: 'string', minLength: 1 },
  VSPHERE_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 30000 },
};

export const VSPHERE_USERNAME_SECRET = 'cmp-ops-vsphere-username';
export const VSPHERE_PASSWORD_SECRET = 'cmp-ops-vsphere-password';
const EXPECTATIONS_LIMIT = 1024 * 1024;

/** VsphereCheck runs one vCenter check for a tick. */
export type VsphereCheck = (ctx: Pick<RequestContext, 'now' | 'signal' | 'log'>) => Promise<VsphereReport>;

/** expectationsSource reads `state:<key>` (state bucket) or `file:<path>` (a mounted ConfigMap) each tick; absent means defaults. */
function expectationsSource(
  spec: string,
  store: ObjectStore,
  stateBucket: string,
): (signal?: AbortSignal) => Promise<VsphereExpectations> {
  return async (signal) => {
    const read = await readConfigText(spec, {
      store,
      stateBucket,
      invalidCode: 'VSPHERE_EXPECTATIONS_INVALID',
      maxBytes: EXPECTATIONS_LIMIT,
      ...(signal ? { signal } : {}),
    });
    return read && 'text' in read ? parseExpectations(read.text, spec) : DEFAULT_EXPECTATIONS;
  };
}

/**
 * createVsphereCheck wires the vCenter check when VSPHERE_URL is set (undefined otherwise): the CA bundle is read at
 * cold start (a missing file stops the function), the credentials at every tick (rotated secrets apply at once).
 */
export function createVsphereCheck(
  deps: Pick<FunctionDeps<VsphereConfig>, 'config' | 'store' | 'state' | 'alerts'> &
    Partial<Pick<FunctionDeps<VsphereConfig>, 'secrets'>>,
): VsphereCheck | undefined {
  const c = deps.config;
  if (!c.VSPHERE_URL) return undefined;
  const secrets = deps.secrets;
  if (!secrets)
    throw opsError('SECRET_MISSING', `VSPHERE_URL is set but no secrets are available for ${VSPHERE_USERNAME_SECRET}`);
  let ca: string | undefined;
  if (c.VSPHERE_CA_FILE) {
    try {
      ca = readFileSync(c.VSPHERE_CA_FILE, 'utf8');
    } catch (err) {
      throw opsError(
        'CONFIG_INVALID',
        `VSPHERE_CA_FILE ${c.VSPHERE_CA_FILE} cannot be read: ${(err as Error).message}`,
        [{ field: 'VSPHERE_CA_FILE', reason: 'unreadable' }],
      );
    }
  }
  secrets.get(VSPHERE_USERNAME_SECRET);
  secrets.get(VSPHERE_PASSWORD_SECRET);
  const url = c.VSPHERE_URL;
  const vcenter = new URL(url).hostname;
  const expectations = expectationsSource(c.VSPHERE_EXPECTATIONS, deps.store, c.STATE_BUCKET);
  return async (ctx) => {
    const report = await runVsphereWatch({
      read: async (e, signal) => {
        const client = createVsphereClient({
          url,
          username: secrets.get(VSPHERE_USERNAME_SECRET),
          password: secrets.get(VSPHERE_PASSWORD_SECRET),
          dialect: c.VSPHERE_API,
          timeoutMs: c.VSPHERE_TIMEOUT_MS,
          ...(ca ? { ca } : {}),
        });
        try {
          // its own deadline, shorter than the request's: a hung vCenter becomes VSphereUnreachable, not a failed tick
          const deadline = AbortSignal.timeout(c.VSPHERE_TIMEOUT_MS);
          return await readInventory(client, e, signal ? AbortSignal.any([signal, deadline]) : deadline);
        } finally {
          client.close();
        }
      },
      expectations,
      state: deps.state,
      alerts: deps.alerts,
      now: ctx.now(),
      vcenter,
      signal: ctx.signal,
    });
    // once per outage at warn level: the alert carries it from then on
    if (report.unreachable?.started)
      ctx.log.warn({ vcenter, reason: report.unreachable.reason }, 'vCenter cannot be read');
    ctx.log.info(
      {
        vcenter,
        vms: report.vms,
        hosts: report.hosts,
        datastores: report.datastores,
        findings: report.findings.length,
        firing: report.firing,
        resolved: report.resolved,
      },
      'vCenter checked',
    );
    return report;
  };
}
