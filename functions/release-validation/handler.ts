import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertSink } from '#lib/alerting/index.ts';
import type { KubeReader } from '#lib/k8s/index.ts';
import { createKubeReader, loadKubeConfig } from '#lib/k8s/reader.ts';
import { json, opsError, readJson, type FunctionDeps, type Handler, type Secret } from '#lib/runtime/index.ts';
import { readConfigText, type ObjectStore, type StateStore } from '#lib/storage/index.ts';
import { createTestLinkClient } from '#lib/testlink/index.ts';
import {
  CAMPAIGN_LIMIT,
  parseCampaign,
  resolveCampaign,
  runCampaign,
  validateValidationRequest,
  type AlertPathPort,
  type ReleaseValidationConfig,
} from '#lib/validation/index.ts';

export {
  releaseValidationConfigSchema as configSchema,
  TESTLINK_DEVKEY_SECRET,
  type ReleaseValidationConfig,
} from '#lib/validation/index.ts';

type Deps = Pick<FunctionDeps<ReleaseValidationConfig>, 'config' | 'store' | 'state' | 'alerts'> & {
  devKey: () => Secret | undefined;
  /** kube is the cluster reader; built from KUBECONFIG or the ServiceAccount when absent, none outside a cluster. */
  kube?: KubeReader;
  alertPath?: AlertPathPort;
};

async function readCampaign(state: StateStore, store: ObjectStore, key: string, signal: AbortSignal): Promise<string> {
  const read = await readConfigText(`state:${key}`, {
    store,
    stateBucket: state.bucket,
    invalidCode: 'CAMPAIGN_INVALID',
    maxBytes: CAMPAIGN_LIMIT,
    signal,
  });
  if (!read || !('text' in read))
    throw opsError('NOT_FOUND', `no campaign at s3://${state.bucket}/${key}`, [
      { field: '/campaignKey', reason: 'no such object' },
    ]);
  return read.text;
}

function clusterReader(c: ReleaseValidationConfig): KubeReader | undefined {
  try {
    return createKubeReader(loadKubeConfig(c.KUBECONFIG), { timeoutMs: c.KUBE_TIMEOUT_MS });
  } catch {
    return undefined; // outside a cluster and without KUBECONFIG: the cluster checks are blocked, not failed
  }
}

/** createHandler builds release-validation's edge: POST a release and a campaign, get the campaign report. */
export function createHandler(deps: Deps): Handler {
  const c = deps.config;
  const kube = deps.kube ?? clusterReader(c);
  return async (req, ctx) => {
    const body = validateValidationRequest(await readJson(req));
    const text = body.campaign ?? (await readCampaign(deps.state, deps.store, body.campaignKey!, ctx.signal));
    const campaign = resolveCampaign(parseCampaign(text, body.campaignKey ?? 'campaign'), body.release);
    const devKey = deps.devKey();
    const started = performance.now();
    const alerts: AlertSink = deps.alerts;
    const report = await runCampaign(campaign, {
      store: deps.store,
      state: deps.state,
      release: body.release,
      runId: ctx.callId || randomUUID(),
      subsystemLabel: c.SUBSYSTEM_LABEL,
      now: ctx.now,
      elapsedMs: () => performance.now() - started,
      sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
      signal: ctx.signal,
      reportsBucket: c.REPORTS_BUCKET,
      alerts,
      ...(kube ? { kube } : {}),
      ...(deps.alertPath ? { alertPath: deps.alertPath } : {}),
      ...(c.TESTLINK_URL && devKey
        ? {
            testlink: createTestLinkClient({
              url: c.TESTLINK_URL,
              devKey,
              timeoutMs: c.TESTLINK_TIMEOUT_MS,
              signal: ctx.signal,
            }),
          }
        : {}),
    });
    ctx.log.info(
      {
        release: report.release,
        verdict: report.verdict,
        counts: report.counts,
        testlink: report.testlink.status,
        unsent: report.unsent.length,
      },
      'campaign run',
    );
    return json(report);
  };
}
