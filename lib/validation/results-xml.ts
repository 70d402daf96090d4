import { create } from 'xmlbuilder2';
import type { DateTime } from 'luxon';

/** ImportContext names where TestLink's results import puts the executions (names take precedence over ids there). */
export interface ImportContext {
  project: string;
  plan: string;
  build: string;
  platform?: string;
}

/** ImportedResult is what the import file holds of one case's result. */
export interface ImportedResult {
  testcase: string;
  status: 'p' | 'f' | 'b';
  notes: string;
  /** timestamp is in importTimestamp's form. */
  timestamp: string;
  durationMs: number;
}

/** importTimestamp is the form TestLink's import accepts (`isValidISODateTime`: `YYYY-MM-DD HH:MM:SS`). */
export function importTimestamp(time: DateTime): string {
  return time.toUTC().toFormat('yyyy-LL-dd HH:mm:ss');
}

/**
 * resultsImportXml writes the results as TestLink's "Import XML results" file (lib/results/resultsImport.php): a
 * `<results>` root, the project, plan, build and platform by name, and one `<testcase external_id=…>` per result with
 * `result` (p/f/b), `notes`, `timestamp`, `execution_type` 2 (automated) and `execution_duration` in minutes.
 */
export function resultsImportXml(context: ImportContext, results: ImportedResult[]): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('results');
  const prefix = results[0]?.testcase.slice(0, results[0].testcase.lastIndexOf('-'));
  root.ele('testproject', { name: context.project, ...(prefix ? { prefix } : {}) });
  root.ele('testplan', { name: context.plan });
  root.ele('build', { name: context.build });
  if (context.platform) root.ele('platform', { name: context.platform });
  for (const r of results) {
    const tc = root.ele('testcase', { external_id: r.testcase });
    tc.ele('result').txt(r.status);
    tc.ele('notes').txt(r.notes);
    tc.ele('timestamp').txt(r.timestamp);
    tc.ele('execution_type').txt('2');
    tc.ele('execution_duration').txt(String(Math.round((r.durationMs / 60_000) * 100) / 100));
  }
  return root.end({ prettyPrint: true });
}
