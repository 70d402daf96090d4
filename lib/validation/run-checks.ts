import { isOpsError } from '#lib/runtime/errors.ts';
import type { CheckName, CheckSpec } from './check-specs.ts';
import { checkAlertPath } from './checks/alert-path.ts';
import { checkImagesApproved, checkWorkloadsHealthy } from './checks/cluster.ts';
import { checkDeliveryIntact, checkSweepClean } from './checks/integrity.ts';
import { checkBackupAfterUpgrade, checkFtpTransfer } from './checks/transfers.ts';
import type { CheckDeps, CheckOutcome, CheckStatus } from './checks/types.ts';
import { importTimestamp } from './results-xml.ts';

/** CaseResult is one check's result as TestLink records it: status, notes with the evidence, duration. */
export interface CaseResult {
  testcase: string;
  check: CheckName;
  status: CheckStatus;
  summary: string;
  notes: string;
  startedAt: string;
  /** timestamp is startedAt as TestLink's import wants it. */
  timestamp: string;
  durationMs: number;
}

type Runner = (spec: never, deps: CheckDeps) => Promise<CheckOutcome>;

/** CHECKS maps each check name to the function that runs it. */
export const CHECKS: Record<CheckName, Runner> = {
  'images-approved': checkImagesApproved as Runner,
  'workloads-healthy': checkWorkloadsHealthy as Runner,
  'delivery-intact': checkDeliveryIntact as Runner,
  'sweep-clean': checkSweepClean as Runner,
  'backup-after-upgrade': checkBackupAfterUpgrade as Runner,
  'ftp-transfer': checkFtpTransfer as Runner,
  'alert-path': checkAlertPath as Runner,
};

const WORD: Record<CheckStatus, string> = { p: 'PASSED', f: 'FAILED', b: 'BLOCKED' };

/** formatNotes writes a result's notes: the verdict and summary, the evidence one per line, then who ran it when. */
export function formatNotes(
  spec: CheckSpec,
  outcome: CheckOutcome,
  runId: string,
  startedAt: string,
  durationMs: number,
): string {
  return [
    `[${spec.check}] ${WORD[outcome.status]}: ${outcome.summary}`,
    ...outcome.evidence.map((e) => `- ${e}`),
    `cmp-ops validation run ${runId}, started ${startedAt}, took ${(durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

/**
 * runCheck runs one check and never throws: a data source that is down, refuses us or times out makes the case
 * blocked (`b`) with the error as evidence, so a campaign is never reported passed on what it could not see.
 */
export async function runCheck(spec: CheckSpec, deps: CheckDeps & { elapsedMs: () => number }): Promise<CaseResult> {
  const started = deps.now();
  const t0 = deps.elapsedMs();
  let outcome: CheckOutcome;
  try {
    outcome = await CHECKS[spec.check](spec as never, deps);
  } catch (err) {
    const code = isOpsError(err) ? err.code : ((err as { code?: string }).code ?? 'INTERNAL');
    outcome = { status: 'b', summary: `could not be checked: ${code}: ${(err as Error).message}`, evidence: [] };
  }
  const durationMs = Math.max(0, deps.elapsedMs() - t0);
  const startedAt = started.toUTC().toISO() as string;
  return {
    testcase: spec.testcase,
    check: spec.check,
    status: outcome.status,
    summary: outcome.summary,
    notes: formatNotes(spec, outcome, deps.runId, startedAt, durationMs),
    startedAt,
    timestamp: importTimestamp(started),
    durationMs,
  };
}
