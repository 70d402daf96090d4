export {
  parseCampaign,
  resolveCampaign,
  BUILD_NAME_LIMIT,
  RELEASE_NAME,
  TESTCASE_ID,
  type Campaign,
  type ResolvedCampaign,
} from './campaign.ts';
export { CHECK_NAMES, CHECK_SCHEMAS, splitLocation, type CheckName, type CheckSpec } from './check-specs.ts';
export {
  runCampaign,
  latestKey,
  type CampaignReport,
  type LatestRecord,
  type SentExecution,
  type ValidationDeps,
} from './run-campaign.ts';
export { runCheck, formatNotes, CHECKS, type CaseResult } from './run-checks.ts';
export { resultsImportXml, importTimestamp, type ImportContext, type ImportedResult } from './results-xml.ts';
export { groupLabels, TEST_ALERTNAME } from './checks/alert-path.ts';
export { createAlertPath } from './alert-path-http.ts';
export type { AlertPathPort, CheckDeps, CheckOutcome, CheckStatus, EscalationView } from './checks/types.ts';
export {
  releaseValidationConfigSchema,
  validateValidationRequest,
  TESTLINK_DEVKEY_SECRET,
  CAMPAIGN_LIMIT,
  type ReleaseValidationConfig,
} from './request-config.ts';
