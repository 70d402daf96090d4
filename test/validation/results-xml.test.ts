// The import file is read here the way TestLink's "Import XML results" reads it (lib/results/resultsImport.php of
// TestLink 1.9: check_xml_execution_results wants a <results> root; importResults takes testproject/testplan/build/
// platform by their name attribute; importExecutionFromXML reads //testcase's external_id attribute and its result,
// notes, timestamp (isValidISODateTime: YYYY-MM-DD HH:MM:SS), execution_type (1 manual, 2 automated) and
// execution_duration (numeric)), with an XML parser independent of the writer.
import { XMLParser } from 'fast-xml-parser';
import { DateTime } from 'luxon';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resultsImportXml, type CaseResult } from '#lib/validation/index.ts';

const test = suite('validation/results-xml');
const at = DateTime.fromISO('2026-11-24T10:15:30Z', { zone: 'utc' });
const result = (testcase: string, status: 'p' | 'f' | 'b', notes: string): CaseResult => ({
  testcase,
  check: 'delivery-intact',
  status,
  summary: '',
  notes,
  startedAt: at.toISO()!,
  timestamp: '2026-11-24 10:15:30',
  durationMs: 90_000,
});

function importAsTestLink(xml: string) {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testcase',
    parseTagValue: false,
    trimValues: false,
  }).parse(xml) as Record<string, Record<string, unknown>>;
  const results = doc.results;
  if (!results) throw new Error('wrong_results_import_format: the root is not <results>');
  const name = (k: string) => (results[k] as { name?: string } | undefined)?.name;
  return {
    context: { project: name('testproject'), plan: name('testplan'), build: name('build'), platform: name('platform') },
    executions: (results.testcase as Array<Record<string, string>>).map((tc) => {
      if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(tc.timestamp!))
        throw new Error(`invalid_execution_timestamp ${tc.timestamp}`);
      if (!['p', 'f', 'b'].includes(tc.result!.trim().toLowerCase()))
        throw new Error(`import_results_invalid_result ${tc.result}`);
      if (!['1', '2'].includes(tc.execution_type!)) throw new Error('invalid_exec_type');
      if (Number.isNaN(Number(tc.execution_duration))) throw new Error('execution_duration not numeric');
      return {
        externalId: tc.external_id,
        result: tc.result,
        notes: tc.notes,
        timestamp: tc.timestamp,
        duration: Number(tc.execution_duration),
      };
    }),
  };
}

test('import :: context by name, one execution per case with its notes kept exactly', () => {
  const notes = '[images-approved] FAILED: drift\n- ReleaseDrift ops/Deployment/egm-archiver <archiver> & "more"';
  const xml = resultsImportXml(
    { project: 'CMP-OPS', plan: 'Release validation', build: '2026.11-demo', platform: 'ground-segment' },
    [result('CMP-1', 'f', notes), result('CMP-2', 'p', 'ok')],
  );
  const read = importAsTestLink(xml);
  assert.equal(read.context, {
    project: 'CMP-OPS',
    plan: 'Release validation',
    build: '2026.11-demo',
    platform: 'ground-segment',
  });
  assert.equal(
    read.executions.map((e) => [e.externalId, e.result, e.timestamp, e.duration]),
    [
      ['CMP-1', 'f', '2026-11-24 10:15:30', 1.5],
      ['CMP-2', 'p', '2026-11-24 10:15:30', 1.5],
    ],
  );
  assert.is(read.executions[0]!.notes, notes);
});

test('import :: without a platform the element is absent', () => {
  const read = importAsTestLink(resultsImportXml({ project: 'P', plan: 'Q', build: 'B' }, [result('P-1', 'b', '')]));
  assert.is(read.context.platform, undefined);
  assert.is(read.executions[0]!.result, 'b');
});

test.run();
