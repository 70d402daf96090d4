import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { createKubeReader, loadKubeConfig } from '#lib/k8s/reader.ts';
import { createGatewayAlertSink, createGatewayClient, Secret } from '#lib/runtime/index.ts';
import { createStateStore } from '#lib/storage/index.ts';
import { createTestLinkClient } from '#lib/testlink/index.ts';
import {
  createAlertPath,
  parseCampaign,
  resolveCampaign,
  runCampaign,
  type CaseResult,
} from '#lib/validation/index.ts';
import { gatewayUrl, invokeToken } from '../gateway.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';
import { storeFromEnv } from '../s3.ts';

const USAGE = `usage: cmp-ops validate run --release NAME --campaign FILE [--testlink URL] [--gateway URL] [--format json|text]
TestLink: --testlink (or $TESTLINK_URL) is its base URL, the devKey is $CMP_OPS_TESTLINK_DEVKEY; without a URL the
results go to s3://reports/testlink/<release>.xml for import. The cluster is read from $KUBECONFIG.`;

function optionalToken(io: CliIO): string | undefined {
  try {
    return invokeToken(io);
  } catch {
    return undefined;
  }
}

const STATUS_WORD = { p: 'passed ', f: 'FAILED ', b: 'BLOCKED' } as const;

/**
 * run implements `cmp-ops validate run`: a validation campaign of a new version, recorded in TestLink. Prints one
 * JSON line per result as its check ends, then the campaign. Exit 0 all passed, 1 a case failed or was blocked,
 * 2 bad usage, an invalid campaign, or TestLink refusing the devKey, the plan or a test case.
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'run') throw new UsageError(USAGE);
  const { flags } = parseFlags(rest);
  const one = (name: string) => flags.get(name)?.at(-1);
  const release = one('release');
  const file = one('campaign');
  if (!release || !file) throw new UsageError(USAGE);
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const campaign = resolveCampaign(parseCampaign(text, file), release);
  const url = one('testlink') ?? io.env.TESTLINK_URL;
  const devKey = io.env.CMP_OPS_TESTLINK_DEVKEY;
  if (url && !devKey) throw new UsageError('--testlink needs the devKey in $CMP_OPS_TESTLINK_DEVKEY');
  const text_ = one('format') === 'text';

  const store = storeFromEnv(io);
  const state = createStateStore(store, io.env.STATE_BUCKET ?? 'cmp-ops-state');
  const token = optionalToken(io);
  const gateway = gatewayUrl(flags, io);
  const kubeconfig = io.env.KUBECONFIG;
  const kube = kubeconfig || io.env.KUBERNETES_SERVICE_HOST ? createKubeReader(loadKubeConfig(kubeconfig)) : undefined;
  if (!token) io.stderr.write('no invoke token: alert-path checks are blocked and no ValidationFailed alert is sent\n');
  const t0 = performance.now();
  const report = await runCampaign(campaign, {
    store,
    state,
    release,
    runId: randomUUID(),
    subsystemLabel: io.env.SUBSYSTEM_LABEL ?? 'cmp-ops.io/subsystem',
    now: () => DateTime.utc(),
    elapsedMs: () => performance.now() - t0,
    sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
    reportsBucket: io.env.REPORTS_BUCKET ?? 'reports',
    ...(kube ? { kube } : {}),
    ...(token
      ? {
          alertPath: createAlertPath(gateway, () => token),
          alerts: createGatewayAlertSink(createGatewayClient(gateway, () => new Secret(token))),
        }
      : {}),
    ...(url && devKey ? { testlink: createTestLinkClient({ url, devKey: new Secret(devKey) }) } : {}),
    onResult: (r: CaseResult) => {
      if (text_) io.stdout.write(`${STATUS_WORD[r.status]} ${r.testcase} ${r.check}: ${r.summary}\n`);
      else
        writeJsonLine(io.stdout, {
          testcase: r.testcase,
          check: r.check,
          status: r.status,
          summary: r.summary,
          durationMs: Math.round(r.durationMs),
          startedAt: r.startedAt,
          notes: r.notes,
        });
    },
  });
  const { results: _results, ...campaignLine } = report;
  if (text_) {
    io.stdout.write(
      `release ${report.release}: ${report.verdict} (${report.counts.p} passed, ${report.counts.f} failed, ${report.counts.b} blocked); TestLink ${report.testlink.status}${report.testlink.buildId ? ` build ${report.testlink.buildId}` : ''}${report.importFile ? `; import file ${report.importFile}` : ''}\n`,
    );
  } else writeJsonLine(io.stdout, { campaign: campaignLine });
  if (report.previouslyUnsent.length > 0)
    io.stderr.write(
      `an earlier run could not send ${report.previouslyUnsent.join(', ')} to TestLink; still unsent now: ${report.unsent.join(', ') || 'none'}\n`,
    );
  if (report.testlink.error)
    io.stderr.write(
      `TestLink: ${report.testlink.error}${report.importFile ? `; the results wait in ${report.importFile}` : ''}\n`,
    );
  for (const r of report.testlink.refused) io.stderr.write(`TestLink refused ${r.testcase}: ${r.code}: ${r.message}\n`);
  if (report.alert?.error) io.stderr.write(`ValidationFailed alert not delivered: ${report.alert.error}\n`);
  if (report.testlink.refused.length > 0) return 2;
  return report.verdict === 'passed' ? 0 : 1;
}
