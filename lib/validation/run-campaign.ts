import { buildAlert, type Alert, type AlertSink } from '#lib/alerting/index.ts';
import { isOpsError, type OpsError } from '#lib/runtime/errors.ts';
import type { TestLinkClient } from '#lib/testlink/index.ts';
import type { ResolvedCampaign } from './campaign.ts';
import type { CheckDeps } from './checks/types.ts';
import { resultsImportXml } from './results-xml.ts';
import { runCheck, type CaseResult } from './run-checks.ts';

/** ValidationDeps are the check sources plus where the campaign is recorded and alerted. */
export interface ValidationDeps extends CheckDeps {
  elapsedMs: () => number;
  /** testlink records the results; absent, they go to the import file only. */
  testlink?: TestLinkClient;
  alerts?: AlertSink;
  /** reportsBucket receives `testlink/<release>.xml` when results could not be sent. */
  reportsBucket: string;
  /** onResult sees each result as soon as its check ends (the CLI prints it). */
  onResult?: (result: CaseResult) => void;
}

/** SentExecution is what TestLink answered for one recorded result. */
export interface SentExecution {
  buildId: number;
  executionId: number;
  at: string;
}

/** CampaignReport is the stored and printed outcome of a run. */
export interface CampaignReport {
  runId: string;
  release: string;
  project: string;
  plan: string;
  build: string;
  platform?: string;
  startedAt: string;
  finishedAt: string;
  verdict: 'passed' | 'failed' | 'blocked';
  counts: { p: number; f: number; b: number };
  results: CaseResult[];
  testlink: {
    status: 'recorded' | 'unsent' | 'partly-refused' | 'not-configured';
    url?: string;
    buildId?: number;
    buildCreated?: boolean;
    buildClosed?: boolean;
    error?: string;
    refused: Array<{ testcase: string; code: string; message: string }>;
  };
  /** unsent are the results TestLink does not have yet (this run's and earlier runs'); importFile holds them. */
  unsent: string[];
  importFile?: string;
  /** previouslyUnsent are the cases an earlier run could not send, as found at the start of this run. */
  previouslyUnsent: string[];
  alert?: { status: 'firing' | 'resolved'; error?: string };
}

/** LatestRecord is what the state bucket remembers of a release's campaign between runs. */
export interface LatestRecord {
  report: CampaignReport;
  sent: Record<string, SentExecution>;
  unsentResults: CaseResult[];
  alert?: Alert;
}

/** latestKey is the state key of a release's last campaign; runs are kept beside it under runs/. */
export function latestKey(release: string): string {
  return `validation/${release}/latest.json`;
}

function verdictOf(results: CaseResult[]): CampaignReport['verdict'] {
  if (results.some((r) => r.status === 'f')) return 'failed';
  return results.some((r) => r.status === 'b') ? 'blocked' : 'passed';
}

/** openBuild checks the devKey, finds the project and plan and creates (or reuses) the build. */
async function openBuild(client: TestLinkClient, c: ResolvedCampaign, runId: string) {
  await client.checkDevKey();
  await client.getTestProjectByName(c.testlink.project);
  const plan = await client.getTestPlanByName(c.testlink.project, c.testlink.plan);
  const build = await client.createBuild(
    plan.id,
    c.build,
    c.testlink.notes ?? `Validation of release ${c.release} by cmp-ops (run ${runId})`,
  );
  return { planId: plan.id, build };
}

function validationAlert(report: CampaignReport, at: string): Alert {
  const bad = report.results.filter((r) => r.status !== 'p');
  const alert = buildAlert({
    alertname: 'ValidationFailed',
    severity: 'critical',
    subsystem: 'cmp-ops',
    labels: { release: report.release },
    summary: `Validation of release ${report.release}: ${report.counts.f} failed, ${report.counts.b} blocked of ${report.results.length}`,
    description: bad
      .map((r) => `${r.testcase} ${r.check}: ${r.status === 'f' ? 'failed' : 'blocked'}: ${r.summary}`)
      .join('\n'),
    startsAt: at,
  });
  // a campaign is not re-sent like a watch: the alert stays until a passing run resolves it
  alert.endsAt = new Date(Date.parse(at) + 7 * 86_400_000).toISOString();
  return alert;
}

/**
 * runCampaign runs a resolved campaign: it opens the TestLink build first (a refused devKey, project or plan stops
 * everything before a check runs), runs each check, records each result (overwriting the case's execution on a
 * rerun), closes the build once every case has a result, and keeps what TestLink did not take in the state bucket
 * and in `s3://<reports>/testlink/<release>.xml` for a manual import. A TestLink that cannot be reached loses
 * nothing; a refused case is named.
 */
export async function runCampaign(c: ResolvedCampaign, deps: ValidationDeps): Promise<CampaignReport> {
  const stored = await deps.state.read<LatestRecord>(latestKey(c.release));
  const previous = stored?.value;
  const startedAt = deps.now().toUTC().toISO() as string;
  const testlink: CampaignReport['testlink'] = {
    status: deps.testlink ? 'recorded' : 'not-configured',
    refused: [],
    ...(deps.testlink ? { url: deps.testlink.url } : {}),
  };
  let target: Awaited<ReturnType<typeof openBuild>> | undefined;
  if (deps.testlink) {
    try {
      target = await openBuild(deps.testlink, c, deps.runId);
      testlink.buildId = target.build.id;
      testlink.buildCreated = target.build.created;
    } catch (err) {
      if (!isOpsError(err) || err.code !== 'TESTLINK_UNAVAILABLE') throw err;
      testlink.status = 'unsent';
      testlink.error = err.message;
    }
  }

  const results: CaseResult[] = [];
  for (const spec of c.checks) {
    const result = await runCheck(spec, deps);
    results.push(result);
    deps.onResult?.(result);
  }

  const rerun = new Set(results.map((r) => r.testcase));
  const carried = (previous?.unsentResults ?? []).filter(
    (r) => !rerun.has(r.testcase) && previous?.report.build === c.build,
  );
  const sent: Record<string, SentExecution> = previous?.report.build === c.build ? { ...previous.sent } : {};
  const unsent: CaseResult[] = [];
  for (const r of [...results, ...carried]) {
    if (!target || (testlink.status as string) === 'unsent') {
      unsent.push(r);
      continue;
    }
    try {
      const answer = await deps.testlink!.reportTCResult({
        testCaseExternalId: r.testcase,
        testPlanId: target.planId,
        buildId: target.build.id,
        ...(c.testlink.platform ? { platformName: c.testlink.platform } : {}),
        status: r.status,
        notes: r.notes,
        durationMinutes: r.durationMs / 60_000,
        overwrite: sent[r.testcase]?.buildId === target.build.id,
      });
      sent[r.testcase] = {
        buildId: target.build.id,
        executionId: answer.executionId,
        at: deps.now().toUTC().toISO() as string,
      };
    } catch (err) {
      if (!isOpsError(err)) throw err;
      unsent.push(r);
      if (err.code === 'TESTLINK_UNAVAILABLE') {
        testlink.status = 'unsent';
        testlink.error = err.message;
      } else {
        testlink.status = 'partly-refused';
        testlink.refused.push({ testcase: r.testcase, code: (err as OpsError).code, message: err.message });
      }
    }
  }
  if (target && unsent.length === 0) {
    try {
      await deps.testlink!.closeBuild(target.build.id);
      testlink.buildClosed = true;
    } catch (err) {
      if (!isOpsError(err)) throw err;
      testlink.error = `the build stays open: ${err.message}`;
    }
  }

  const importKey = `testlink/${c.release}.xml`;
  let importFile: string | undefined;
  if (unsent.length > 0) {
    const xml = resultsImportXml(
      {
        project: c.testlink.project,
        plan: c.testlink.plan,
        build: c.build,
        ...(c.testlink.platform ? { platform: c.testlink.platform } : {}),
      },
      unsent,
    );
    await deps.store.put(deps.reportsBucket, importKey, xml, { contentType: 'application/xml' });
    importFile = `s3://${deps.reportsBucket}/${importKey}`;
  } else if (previous?.report.importFile) {
    // everything is in TestLink now: a stale file must not be imported over newer results
    await deps.store.remove(deps.reportsBucket, importKey).catch(() => undefined);
  }

  const counts = { p: 0, f: 0, b: 0 };
  for (const r of results) counts[r.status]++;
  const finishedAt = deps.now().toUTC().toISO() as string;
  const report: CampaignReport = {
    runId: deps.runId,
    release: c.release,
    project: c.testlink.project,
    plan: c.testlink.plan,
    build: c.build,
    ...(c.testlink.platform ? { platform: c.testlink.platform } : {}),
    startedAt,
    finishedAt,
    verdict: verdictOf(results),
    counts,
    results,
    testlink,
    unsent: unsent.map((r) => r.testcase),
    ...(importFile ? { importFile } : {}),
    previouslyUnsent: (previous?.unsentResults ?? []).map((r) => r.testcase),
  };

  let alert = previous?.alert;
  if (deps.alerts) {
    const next =
      report.verdict === 'passed'
        ? alert
          ? { ...alert, endsAt: finishedAt }
          : undefined
        : validationAlert(report, alert?.startsAt ?? finishedAt);
    if (next) {
      try {
        await deps.alerts.send([next], deps.signal);
        report.alert = { status: report.verdict === 'passed' ? 'resolved' : 'firing' };
        alert = report.verdict === 'passed' ? undefined : next;
      } catch (err) {
        report.alert = { status: report.verdict === 'passed' ? 'resolved' : 'firing', error: (err as Error).message };
      }
    }
  }
  const latest: LatestRecord = { report, sent, unsentResults: unsent, ...(alert ? { alert } : {}) };
  await deps.state.write(`validation/${c.release}/runs/${startedAt.replace(/[:.]/g, '')}-${deps.runId}.json`, report);
  await deps.state.write(latestKey(c.release), latest);
  return report;
}
