// The TestLink client over real HTTP against the TestLink stand-in (scripts/testlink-standin.ts). No TestLink server
// package exists for Debian; the stand-in is written from TestLink's published XML-RPC API (method names and
// parameters of xmlrpc.class.php, error codes of APIErrors.php) and answers as a TestLink 1.9.20 server was observed
// to answer: error structs instead of faults, string ids for overwritten executions, HTML for other URLs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Secret } from '#lib/runtime/index.ts';
import { createTestLinkClient, xmlrpcUrl, type TestLinkClient } from '#lib/testlink/index.ts';
import {
  demoProjects,
  startTestLinkStandin,
  STANDIN_XMLRPC_PATH,
  type TestLinkStandin,
} from '../../scripts/testlink-standin.ts';

const test = suite('testlink/client');
let standin: TestLinkStandin;
let php82: TestLinkStandin;
let client: TestLinkClient;

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

test.before(async () => {
  standin = await startTestLinkStandin(
    [...demoProjects(), { name: 'NOPLAT', prefix: 'NP', plans: [{ name: 'P', cases: ['NP-1'] }] }],
    { devKey: 'k' },
  );
  php82 = await startTestLinkStandin([{ name: 'NOPLAT', prefix: 'NP', plans: [{ name: 'P', cases: ['NP-1'] }] }], {
    devKey: 'k',
    php82Branch: true,
  });
  client = createTestLinkClient({ url: standin.url, devKey: new Secret('k') });
});
test.after(async () => {
  await standin.close();
  await php82.close();
});

test('url :: base URL or the endpoint itself', () => {
  assert.is(xmlrpcUrl('http://tl/testlink/'), `http://tl/testlink${STANDIN_XMLRPC_PATH}`);
  assert.is(xmlrpcUrl(`http://tl${STANDIN_XMLRPC_PATH}`), `http://tl${STANDIN_XMLRPC_PATH}`);
});

test('happy path :: key, project, plan, build created then reused, result, overwrite, close', async () => {
  await client.checkDevKey();
  const project = await client.getTestProjectByName('CMP-OPS');
  assert.is(project.prefix, 'CMP');
  const plan = await client.getTestPlanByName('CMP-OPS', 'Release validation');
  const build = await client.createBuild(plan.id, 'R1', 'notes');
  assert.is(build.created, true);
  const again = await client.createBuild(plan.id, 'R1', 'notes');
  assert.equal([again.id, again.created], [build.id, false], 'an existing build name is reused');
  const first = await client.reportTCResult({
    testCaseExternalId: 'CMP-1',
    testPlanId: plan.id,
    buildId: build.id,
    platformName: 'ground-segment',
    status: 'f',
    notes: 'n <&> ü',
    durationMinutes: 0.5,
    overwrite: false,
  });
  assert.is(first.overwritten, false);
  const second = await client.reportTCResult({
    testCaseExternalId: 'CMP-1',
    testPlanId: plan.id,
    buildId: build.id,
    platformName: 'ground-segment',
    status: 'p',
    notes: 'rerun',
    durationMinutes: 0.25,
    overwrite: true,
  });
  assert.equal(
    [second.executionId, second.overwritten],
    [first.executionId, true],
    'the string id of an overwritten execution is read as the same number',
  );
  assert.equal(
    standin.executions.filter((e) => e.buildId === build.id).map((e) => [e.status, e.notes, e.duration]),
    [['p', 'rerun', 0.25]],
  );
  await client.closeBuild(build.id);
  assert.is(standin.builds.find((b) => b.id === build.id)!.open, false);
});

test('error structs :: each code becomes TESTLINK_REJECTED naming what was asked', async () => {
  const bad = createTestLinkClient({ url: standin.url, devKey: new Secret('wrong') });
  const key = await rejection(bad.checkDevKey());
  assert.is(key.code, 'TESTLINK_REJECTED');
  assert.match(key.message, /2000 \(checkDevKey\) - Can not authenticate client: invalid developer key/);
  assert.match(key.message, /cmp-ops-testlink-devkey/);
  assert.match((await rejection(client.getTestProjectByName('NOPE'))).message, /7011/);
  assert.match(
    (await rejection(client.getTestPlanByName('CMP-OPS', 'nope'))).message,
    /3033 .*Test Plan \(name:nope\)/,
  );
  assert.match((await rejection(client.createBuild(999, 'x', ''))).message, /3000/);
  assert.match((await rejection(client.closeBuild(999))).message, /4000/);
  const plan = await client.getTestPlanByName('CMP-OPS', 'Release validation');
  const build = await client.createBuild(plan.id, 'R2', '');
  const report = {
    testPlanId: plan.id,
    buildId: build.id,
    platformName: 'ground-segment',
    notes: '',
    durationMinutes: 0,
    overwrite: false,
  };
  const unknown = await rejection(client.reportTCResult({ ...report, testCaseExternalId: 'CMP-99', status: 'p' }));
  assert.match(unknown.message, /test case CMP-99: 5040/);
  const status = await rejection(client.reportTCResult({ ...report, testCaseExternalId: 'CMP-1', status: 'x' as 'p' }));
  assert.match(status.message, /6000 .*The status code \(x\) provided is not valid!/);
  const noPlatform = await rejection(
    client.reportTCResult({
      ...report,
      platformName: undefined as unknown as string,
      testCaseExternalId: 'CMP-1',
      status: 'p',
    }),
  );
  assert.match(noPlatform.message, /has platforms.*set testlink\.platform in the campaign/);
});

test('php 8.2 branch :: 500 for an unknown project is unavailable, code 200 for a plan without platforms is named', async () => {
  const c = createTestLinkClient({ url: php82.url, devKey: new Secret('k') });
  const down = await rejection(c.getTestProjectByName('NOPE'));
  assert.is(down.code, 'TESTLINK_UNAVAILABLE');
  const plan = await c.getTestPlanByName('NOPLAT', 'P');
  const build = await c.createBuild(plan.id, 'B', '');
  const err = await rejection(
    c.reportTCResult({
      testCaseExternalId: 'NP-1',
      testPlanId: plan.id,
      buildId: build.id,
      status: 'p',
      notes: '',
      durationMinutes: 0,
      overwrite: false,
    }),
  );
  assert.match(err.message, /200 .*platformname OR platformid is required.*set testlink\.platform/);
});

test('HTML :: a URL that answers a page is TESTLINK_NOT_XMLRPC, not a pass', async () => {
  const c = createTestLinkClient({ url: `${standin.url}/index.php`, devKey: new Secret('k') });
  const err = await rejection(c.checkDevKey());
  assert.is(err.code, 'TESTLINK_NOT_XMLRPC');
  assert.match(err.message, /an HTML page, not XML-RPC: check the TestLink URL/);
});

test('down :: connection dropped, 503 and refused connections are TESTLINK_UNAVAILABLE', async () => {
  standin.failNext(1, 0);
  assert.is((await rejection(client.checkDevKey())).code, 'TESTLINK_UNAVAILABLE');
  standin.failNext(1, 503);
  assert.is((await rejection(client.checkDevKey())).code, 'TESTLINK_UNAVAILABLE');
  const closed = createTestLinkClient({ url: 'http://127.0.0.1:1', devKey: new Secret('k') });
  assert.is((await rejection(closed.checkDevKey())).code, 'TESTLINK_UNAVAILABLE');
});

test('unknown method :: a fault is TESTLINK_REJECTED', async () => {
  const res = await fetch(`${standin.url}${STANDIN_XMLRPC_PATH}`, {
    method: 'POST',
    body: '<?xml version="1.0"?><methodCall><methodName>tl.nope</methodName><params/></methodCall>',
  });
  assert.match(await res.text(), /<int>-32601<\/int>/);
});

test.run();
