import { opsError, type OpsError } from '#lib/runtime/errors.ts';
import type { Secret } from '#lib/runtime/secrets.ts';
import { decodeMethodResponse, encodeMethodCall, XmlRpcSyntaxError, type XmlRpcValue } from './xmlrpc-codec.ts';

/**
 * The TestLink 1.9 XML-RPC client: one struct parameter per call, the devKey in it. TestLink answers its own errors
 * as a normal value (an array of `{code, message}`), not as faults; those become TESTLINK_REJECTED naming the method
 * and what was asked. Unreachable, 5xx (the 1.9.20 branch on PHP 8.2 answers 500 for some calls) and timeouts are
 * TESTLINK_UNAVAILABLE; an HTML page (a wrong URL, a login page) is TESTLINK_NOT_XMLRPC.
 */

export const XMLRPC_PATH = '/lib/api/xmlrpc/v1/xmlrpc.php';

/** TestLinkErrorEntry is one entry of TestLink's error answer. */
export interface TestLinkErrorEntry {
  code: number;
  message: string;
}

/** BuildRef is a build of a test plan, new or reused. */
export interface BuildRef {
  id: number;
  name: string;
  created: boolean;
}

/** ExecutionReport is one `tl.reportTCResult`. */
export interface ExecutionReport {
  testCaseExternalId: string;
  testPlanId: number;
  buildId: number;
  platformName?: string;
  status: 'p' | 'f' | 'b';
  notes: string;
  /** durationMinutes is TestLink's `execduration`, in minutes. */
  durationMinutes: number;
  overwrite: boolean;
}

/** TestLinkClient is the port to TestLink that a campaign records through. */
export interface TestLinkClient {
  readonly url: string;
  checkDevKey(): Promise<void>;
  getTestProjectByName(name: string): Promise<{ id: number; prefix: string }>;
  getTestPlanByName(project: string, plan: string): Promise<{ id: number }>;
  /** createBuild creates the build, or reuses the one of the same name (TestLink says `status: false` with its id). */
  createBuild(testPlanId: number, name: string, notes: string): Promise<BuildRef>;
  reportTCResult(report: ExecutionReport): Promise<{ executionId: number; overwritten: boolean }>;
  closeBuild(buildId: number): Promise<void>;
}

/** TestLinkOptions configure the client: the TestLink base URL (or the xmlrpc.php URL itself) and the devKey. */
export interface TestLinkOptions {
  url: string;
  devKey: Secret;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** xmlrpcUrl accepts the TestLink base URL or the full endpoint and gives the endpoint. */
export function xmlrpcUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  return base.endsWith('.php') ? base : `${base}${XMLRPC_PATH}`;
}

/** errorEntries returns TestLink's error answer when `value` is one (an array of `{code, message}`), else null. */
export function errorEntries(value: XmlRpcValue): TestLinkErrorEntry[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const entries = value.filter(
    (v): v is Record<string, XmlRpcValue> =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && 'code' in v && 'message' in v && !('status' in v),
  );
  if (entries.length !== value.length) return null;
  return entries.map((e) => ({ code: Number(e.code), message: String(e.message) }));
}

function rejected(method: string, about: string, entries: TestLinkErrorEntry[]): OpsError {
  const text = entries.map((e) => `${e.code} ${e.message}`).join('; ');
  const hint = entries.some((e) => e.code === 2000)
    ? ' (the devKey of secret cmp-ops-testlink-devkey is not accepted)'
    : '';
  return opsError(
    'TESTLINK_REJECTED',
    `TestLink refused ${method} for ${about}: ${text}${hint}`,
    entries.map((e) => ({ field: about, reason: `${e.code} ${e.message}` })),
  );
}

function firstStruct(value: XmlRpcValue, method: string): Record<string, XmlRpcValue> {
  const item = Array.isArray(value) ? value[0] : value;
  if (!item || typeof item !== 'object' || Array.isArray(item))
    throw opsError(
      'TESTLINK_NOT_XMLRPC',
      `TestLink's answer to ${method} is not the struct TestLink 1.9 sends: ${JSON.stringify(value).slice(0, 200)}`,
    );
  return item;
}

/** createTestLinkClient talks to TestLink's XML-RPC endpoint with native fetch. */
export function createTestLinkClient(options: TestLinkOptions): TestLinkClient {
  const endpoint = xmlrpcUrl(options.url);
  const call = async (
    method: string,
    about: string,
    args: Record<string, XmlRpcValue | undefined>,
  ): Promise<XmlRpcValue> => {
    const params: Record<string, XmlRpcValue> = { devKey: options.devKey.reveal() };
    for (const [k, v] of Object.entries(args)) if (v !== undefined) params[k] = v;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' },
        body: encodeMethodCall(method, [params]),
        signal,
      });
    } catch (err) {
      throw opsError(
        'TESTLINK_UNAVAILABLE',
        `TestLink at ${endpoint} is unreachable (${method}): ${(err as Error).message}`,
        [],
        { cause: err, retryable: true },
      );
    }
    const text = await response.text();
    if (response.status === 429 || response.status >= 500) {
      throw opsError(
        'TESTLINK_UNAVAILABLE',
        `TestLink answered ${response.status} to ${method} for ${about}${response.status === 500 ? ' (TestLink 1.9.20 on PHP 8.2 also answers 500 for a project that does not exist)' : ''}`,
        [],
        { retryable: true },
      );
    }
    const type = response.headers.get('content-type') ?? '';
    const looksHtml = /html/i.test(type) || /^\s*(<!doctype html|<html)/i.test(text);
    if (response.status >= 400 || looksHtml) {
      throw opsError(
        'TESTLINK_NOT_XMLRPC',
        `${endpoint} answered ${response.status} ${looksHtml ? 'an HTML page' : type || 'without a content type'}, not XML-RPC: check the TestLink URL (the base URL, or …${XMLRPC_PATH})`,
        [{ field: 'testlink.url', reason: text.slice(0, 120).replace(/\s+/g, ' ') }],
      );
    }
    let answer;
    try {
      answer = decodeMethodResponse(text);
    } catch (err) {
      if (!(err instanceof XmlRpcSyntaxError)) throw err;
      throw opsError('TESTLINK_NOT_XMLRPC', `${endpoint} did not answer XML-RPC to ${method}: ${err.message}`, [
        { field: 'testlink.url', reason: text.slice(0, 120).replace(/\s+/g, ' ') },
      ]);
    }
    if (answer.kind === 'fault')
      throw opsError(
        'TESTLINK_REJECTED',
        `TestLink faulted on ${method} for ${about}: ${answer.code} ${answer.message}`,
        [{ field: about, reason: `${answer.code} ${answer.message}` }],
      );
    const entries = errorEntries(answer.value);
    if (entries) throw rejected(method, about, entries);
    return answer.value;
  };

  return {
    url: endpoint,
    async checkDevKey() {
      const value = await call('tl.checkDevKey', 'the devKey', {});
      if (value !== true)
        throw opsError(
          'TESTLINK_REJECTED',
          `TestLink did not confirm the devKey: ${JSON.stringify(value).slice(0, 120)}`,
        );
    },
    async getTestProjectByName(name) {
      const p = firstStruct(
        await call('tl.getTestProjectByName', `test project "${name}"`, { testprojectname: name }),
        'tl.getTestProjectByName',
      );
      return { id: Number(p.id), prefix: String(p.prefix ?? '') };
    },
    async getTestPlanByName(project, plan) {
      const p = firstStruct(
        await call('tl.getTestPlanByName', `test plan "${plan}" of project "${project}"`, {
          testprojectname: project,
          testplanname: plan,
        }),
        'tl.getTestPlanByName',
      );
      return { id: Number(p.id) };
    },
    async createBuild(testPlanId, name, notes) {
      const b = firstStruct(
        await call('tl.createBuild', `build "${name}"`, { testplanid: testPlanId, buildname: name, buildnotes: notes }),
        'tl.createBuild',
      );
      // an existing name is answered status false with that build's id: reruns record into the same build
      return { id: Number(b.id), name, created: b.status === true };
    },
    async reportTCResult(r) {
      const about = `test case ${r.testCaseExternalId}`;
      const value = await call('tl.reportTCResult', about, {
        testcaseexternalid: r.testCaseExternalId,
        testplanid: r.testPlanId,
        buildid: r.buildId,
        platformname: r.platformName,
        status: r.status,
        notes: r.notes,
        execduration: Math.round(r.durationMinutes * 100) / 100,
        overwrite: r.overwrite,
      }).catch((err: OpsError) => {
        if (err.code === 'TESTLINK_REJECTED' && /platform/i.test(err.message) && !r.platformName) {
          throw opsError(
            'TESTLINK_REJECTED',
            `${err.message}: the test plan has platforms, set testlink.platform in the campaign`,
            err.details,
          );
        }
        throw err;
      });
      // TestLink answers '' when no test case id reached it at all
      if (value === '')
        throw opsError('TESTLINK_REJECTED', `TestLink answered nothing to tl.reportTCResult for ${about}`, [
          { field: about, reason: 'empty answer' },
        ]);
      const s = firstStruct(value, 'tl.reportTCResult');
      if (s.status !== true)
        throw opsError(
          'TESTLINK_REJECTED',
          `TestLink did not record ${about}: ${String(s.message ?? JSON.stringify(s))}`,
          [{ field: about, reason: String(s.message ?? 'status false') }],
        );
      return { executionId: Number(s.id), overwritten: s.overwrite === true };
    },
    async closeBuild(buildId) {
      const s = firstStruct(await call('tl.closeBuild', `build id ${buildId}`, { buildid: buildId }), 'tl.closeBuild');
      if (s.status !== true)
        throw opsError('TESTLINK_REJECTED', `TestLink did not close build ${buildId}: ${String(s.message ?? '')}`);
    },
  };
}
