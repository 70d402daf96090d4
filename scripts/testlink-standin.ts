// A stand-in for TestLink 1.9's XML-RPC API (no TestLink package exists for Debian, and TestLink needs PHP and a
// database). It is written from TestLink's published API — the method names and parameters of
// lib/api/xmlrpc/v1/xmlrpc.class.php, the error codes of lib/api/APIErrors.php — and answers as a real 1.9.20 server
// was observed to answer: errors as a normal value holding `[{code, message}]` (not faults), ids as <int> except an
// overwritten execution's (<string>), `createBuild` of an existing name answered `status: false` with that build's
// id, an unknown method as fault -32601, and an HTML page for any other URL (a misconfigured TestLink URL).
// Run alone: `tsx scripts/testlink-standin.ts [--port 8090] [--devkey KEY]` serves the demo project of
// config/demo-campaign.yml (project CMP-OPS, plan "Release validation", cases CMP-1…CMP-9).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  decodeMethodCall,
  encodeFault,
  encodeMethodResponse,
  XmlRpcSyntaxError,
  type XmlRpcValue,
} from '../lib/testlink/xmlrpc-codec.ts';

export const STANDIN_XMLRPC_PATH = '/lib/api/xmlrpc/v1/xmlrpc.php';

/** StandinPlan is one test plan: its linked test cases (external ids) and platforms. */
export interface StandinPlan {
  name: string;
  cases: string[];
  platforms?: string[];
}

/** StandinProject is one test project with its prefix and plans. */
export interface StandinProject {
  name: string;
  prefix: string;
  plans: StandinPlan[];
}

export interface StandinBuild {
  id: number;
  planId: number;
  name: string;
  notes: string;
  open: boolean;
}

export interface StandinExecution {
  id: number;
  planId: number;
  buildId: number;
  testCase: string;
  platform: string;
  status: string;
  notes: string;
  duration: number | null;
}

/** TestLinkStandin is a running stand-in with its recorded builds and executions. */
export interface TestLinkStandin {
  /** url is the TestLink base URL (the XML-RPC endpoint is url + STANDIN_XMLRPC_PATH). */
  url: string;
  builds: StandinBuild[];
  executions: StandinExecution[];
  /** calls lists every method called, in order. */
  calls: string[];
  /** failNext answers the next `n` calls with HTTP `status` (500 as TestLink on PHP 8.2 does, 0 to drop the connection). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

/** StandinOptions choose the devKey, the port and the branch whose quirks to reproduce. */
export interface StandinOptions {
  devKey?: string;
  port?: number;
  /** php82Branch answers as the testlink_1_9_20_fixed branch on PHP 8.2: HTTP 500 for an unknown project name, code 200 for a plan without platforms. */
  php82Branch?: boolean;
}

type Struct = Record<string, XmlRpcValue>;
const err = (code: number, message: string): XmlRpcValue => [{ code, message }];

/** demoProjects is the project of config/demo-campaign.yml. */
export function demoProjects(): StandinProject[] {
  return [
    {
      name: 'CMP-OPS',
      prefix: 'CMP',
      plans: [
        {
          name: 'Release validation',
          cases: ['CMP-1', 'CMP-2', 'CMP-3', 'CMP-4', 'CMP-5', 'CMP-6', 'CMP-7', 'CMP-8', 'CMP-9'],
          platforms: ['ground-segment'],
        },
      ],
    },
  ];
}

/** startTestLinkStandin serves TestLink's XML-RPC API on 127.0.0.1:`port` (0 = a free port). */
export async function startTestLinkStandin(
  projects: StandinProject[],
  options: StandinOptions = {},
): Promise<TestLinkStandin> {
  const devKey = options.devKey ?? 'standin-devkey';
  const plans = projects.flatMap((p, pi) =>
    p.plans.map((plan, i) => ({ ...plan, id: 100 * (pi + 1) + i + 1, project: p })),
  );
  const builds: StandinBuild[] = [];
  const executions: StandinExecution[] = [];
  const calls: string[] = [];
  let failures = 0;
  let failStatus = 500;
  let nextId = 1;

  const methods: Record<string, (a: Struct, fn: string) => XmlRpcValue> = {
    'tl.checkDevKey': () => true,
    'tl.sayHello': () => 'Hello!',
    'tl.getTestProjectByName': (a, fn) => {
      const name = String(a.testprojectname ?? '');
      const p = projects.find((x) => x.name === name);
      if (!p) {
        if (options.php82Branch) throw new HttpFailure(500);
        return err(7011, `(${fn}) - Test Project (name:${name}) does not exist.`);
      }
      const id = projects.indexOf(p) + 1;
      return [
        {
          id: String(id),
          notes: '',
          color: '',
          active: '1',
          option_reqs: '0',
          option_priority: '0',
          option_automation: '1',
          prefix: p.prefix,
          tc_counter: String(plans.flatMap((x) => x.cases).length),
          is_public: '1',
          issue_tracker_enabled: '0',
          reqmgr_integration_enabled: '0',
          api_key: 'x'.repeat(64),
          name: p.name,
        },
      ];
    },
    'tl.getTestPlanByName': (a, fn) => {
      const project = String(a.testprojectname ?? '');
      const name = String(a.testplanname ?? '');
      if (!projects.some((p) => p.name === project)) {
        if (options.php82Branch) throw new HttpFailure(500);
        return err(7011, `(${fn}) - Test Project (name:${project}) does not exist.`);
      }
      const plan = plans.find((p) => p.project.name === project && p.name === name);
      if (!plan)
        return err(3033, `(${fn}) - Test Plan (name:${name}) does not exist on Test Project (name:${project}).`);
      return [
        {
          id: String(plan.id),
          testproject_id: String(projects.indexOf(plan.project) + 1),
          notes: '',
          active: '1',
          is_open: '1',
          is_public: '1',
          api_key: 'y'.repeat(64),
          name: plan.name,
        },
      ];
    },
    'tl.createBuild': (a, fn) => {
      const plan = plans.find((p) => p.id === Number(a.testplanid));
      if (!plan)
        return err(3000, `(${fn}) - The Test Plan ID (${String(a.testplanid ?? '')}) provided does not exist!`);
      const name = typeof a.buildname === 'string' ? a.buildname : '';
      if (name === '') return err(200, `(${fn}) - Parameter buildname is required, but has not been provided`);
      // builds.name is VARCHAR(100) in TestLink's schema
      if (name.length > 100) return err(200, `(${fn}) - Parameter buildname is longer than 100 characters`);
      const existing = builds.find((b) => b.planId === plan.id && b.name === name);
      if (existing)
        return [
          {
            status: false,
            operation: 'createBuild',
            id: existing.id,
            message: `Build name (${name}) already exists (id:${existing.id})`,
          },
        ];
      const build: StandinBuild = {
        id: nextId++,
        planId: plan.id,
        name,
        notes: String(a.buildnotes ?? ''),
        open: true,
      };
      builds.push(build);
      return [{ status: true, operation: 'createBuild', id: build.id, message: 'Success!' }];
    },
    'tl.getBuildsForTestPlan': (a) => {
      const list = builds.filter((b) => b.planId === Number(a.testplanid));
      return list.length === 0
        ? ''
        : list.map((b) => ({
            id: String(b.id),
            testplan_id: String(b.planId),
            name: b.name,
            notes: b.notes,
            active: '1',
            is_open: b.open ? '1' : '0',
          }));
    },
    'tl.reportTCResult': (a, fn) => {
      const tc = typeof a.testcaseexternalid === 'string' ? a.testcaseexternalid : '';
      if (tc === '' && a.testcaseid === undefined) return '';
      const plan = plans.find((p) => p.id === Number(a.testplanid));
      if (!plan)
        return err(3000, `(${fn}) - The Test Plan ID (${String(a.testplanid ?? '')}) provided does not exist!`);
      if (!plans.some((p) => p.cases.includes(tc)))
        return err(5040, `(${fn}) - Test Case External ID (${tc}) does not exist!`);
      if (!plan.cases.includes(tc))
        return err(
          3030,
          `(${fn}) - Test Case (external id:${tc}) does not belong to test plan (name:${plan.name}, id:${plan.id}).`,
        );
      if (a.buildid === undefined && a.buildname === undefined) return err(130, `(${fn}) - No Build ID provided.`);
      const build = builds.find(
        (b) => b.planId === plan.id && (a.buildid !== undefined ? b.id === Number(a.buildid) : b.name === a.buildname),
      );
      if (!build)
        return err(
          3032,
          `(${fn}) - Build (id:${String(a.buildid ?? a.buildname)}) does not belong to Test Plan (id:${plan.id}).`,
        );
      const platform = typeof a.platformname === 'string' ? a.platformname : '';
      if ((plan.platforms ?? []).length === 0) {
        if (options.php82Branch) return err(200, `(${fn}) - Parameter platformname OR platformid is required`);
      } else if (platform === '')
        return err(3041, `(${fn}) - Test Plan (name:${plan.name}) has platforms, you need to provide one of them`);
      else if (!plan.platforms!.includes(platform))
        return err(3044, `(${fn}) - Platform (name:${platform}) is not linked to Test Plan (name:${plan.name})`);
      if (a.status === undefined) return err(150, `(${fn}) - No status provided.`);
      const status = String(a.status);
      if (!['p', 'f', 'b'].includes(status))
        return err(6000, `(${fn}) - The status code (${status}) provided is not valid!`);
      const duration = a.execduration === undefined ? null : Number(a.execduration);
      const last = [...executions]
        .reverse()
        .find((e) => e.planId === plan.id && e.buildId === build.id && e.testCase === tc && e.platform === platform);
      if (a.overwrite === true && last) {
        Object.assign(last, { status, notes: String(a.notes ?? ''), duration });
        return [
          { status: true, operation: 'reportTCResult', overwrite: true, message: 'Success!', id: String(last.id) },
        ];
      }
      const execution: StandinExecution = {
        id: nextId++,
        planId: plan.id,
        buildId: build.id,
        testCase: tc,
        platform,
        status,
        notes: String(a.notes ?? ''),
        duration,
      };
      executions.push(execution);
      return [{ status: true, operation: 'reportTCResult', overwrite: false, message: 'Success!', id: execution.id }];
    },
    'tl.closeBuild': (a, fn) => {
      const build = builds.find((b) => b.id === Number(a.buildid));
      if (!build) return err(4000, `(${fn}) - The Build ID (${String(a.buildid ?? '')}) provided does not exist!`);
      build.open = false;
      return [{ id: build.id, status: true, operation: 'closeBuild', message: 'Success!' }];
    },
  };

  const answer = (res: ServerResponse, status: number, type: string, body: string): void => {
    res
      .writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), connection: 'close' })
      .end(body);
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    // what was recorded, for a person running the demo (not part of TestLink's API)
    if (path === '/_standin/state')
      return answer(res, 200, 'application/json', JSON.stringify({ builds, executions }, null, 2));
    if (path !== STANDIN_XMLRPC_PATH) {
      return answer(
        res,
        200,
        'text/html; charset=UTF-8',
        '<!DOCTYPE html>\n<html><head><title>TestLink 1.9.20 [DEV]</title></head><body><form method="post" action="login.php"><input name="tl_login"></form></body></html>\n',
      );
    }
    if (req.method !== 'POST') return answer(res, 405, 'text/plain', 'XML-RPC server accepts POST requests only.');
    if (failures > 0) {
      failures--;
      if (failStatus === 0) return res.destroy();
      return answer(res, failStatus, 'text/html; charset=UTF-8', '');
    }
    let call;
    try {
      call = decodeMethodCall(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      if (!(e instanceof XmlRpcSyntaxError)) throw e;
      return answer(res, 200, 'text/xml', encodeFault(-32700, 'parse error. not well formed'));
    }
    calls.push(call.method);
    const method = methods[call.method];
    if (!method)
      return answer(
        res,
        200,
        'text/xml',
        encodeFault(-32601, `server error. requested method ${call.method} does not exist.`),
      );
    const args = (
      call.params[0] && typeof call.params[0] === 'object' && !Array.isArray(call.params[0]) ? call.params[0] : {}
    ) as Struct;
    const fn = call.method.slice(3);
    if (call.method !== 'tl.sayHello' && args.devKey !== devKey) {
      return answer(
        res,
        200,
        'text/xml',
        encodeMethodResponse(
          err(
            2000,
            `(${fn === 'checkDevKey' ? 'checkDevKey' : fn}) - Can not authenticate client: invalid developer key`,
          ),
        ),
      );
    }
    try {
      answer(res, 200, 'text/xml', encodeMethodResponse(method(args, fn)));
    } catch (e) {
      if (e instanceof HttpFailure) return answer(res, e.status, 'text/html; charset=UTF-8', '');
      throw e;
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    builds,
    executions,
    calls,
    failNext(n, status) {
      failures = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class HttpFailure extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const standin = await startTestLinkStandin(demoProjects(), {
    port: Number(arg('port') ?? 8090),
    devKey: arg('devkey') ?? process.env.CMP_OPS_TESTLINK_DEVKEY ?? 'standin-devkey',
  });
  process.stdout.write(
    `TestLink stand-in on ${standin.url}${STANDIN_XMLRPC_PATH} (project CMP-OPS, plan "Release validation", platform ground-segment); recorded builds and executions at ${standin.url}/_standin/state\n`,
  );
  const stop = () => void standin.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
