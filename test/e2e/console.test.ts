// ops-console in the local stack (checksum-verify, alert-router, ops-console on free ports), with the demo seeded and
// the local demo routing (config/local/alertmanager.yml, its escalation waits shortened to 1 ms so each timer tick is
// one escalation step). HTTP checks of login, sessions, CSRF and bad input, then Debian's Chromium driven by
// playwright-core: the demo's DUTCH mismatch on the page, acknowledged and silenced from it, filters in the URL, no
// console errors, axe-core finds no serious or critical violation. Screenshots go to .tmp/artifacts/console/
// (gitignored). Then the same paths with JavaScript disabled in Chromium: login, filters, acknowledge and silence
// forms posting and redirecting, a stale form's CSRF refusal, an expired session. The browser tests skip, saying
// why, only when /usr/bin/chromium is absent. Needs `npm run build`.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { BrowserContext, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword, newSession, sealSession } from '#lib/console/index.ts';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/stack.ts';
import { chromiumMissing, launchChromium, runAxe } from '../console/browser.ts';

const root = resolve(import.meta.dirname, '..', '..');
const artifacts = join(root, '.tmp', 'artifacts', 'console');
const test = suite('e2e/console');
const missing = chromiumMissing();
let stack: LocalStack;
let dataDir: string;
let base: string;
let password: string;
let sessionKey: string;
let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
let nojs: { context: BrowserContext; close(): Promise<void> } | undefined;
let page: Page;
const pageErrors: string[] = [];

const router = async (path: string) => {
  const res = await fetch(`${stack.gatewayUrl}/function/alert-router${path}`, {
    headers: { authorization: `Bearer ${stack.token}` },
  });
  assert.is(res.status, 200, path);
  return res.json() as Promise<unknown>;
};
const demoEscalation = async () =>
  ((await router('/api/v1/escalations')) as Array<{ groupKey: string; notified: string[]; ack?: { by: string } }>).find(
    (e) => e.groupKey.includes('ChecksumMismatch') && e.groupKey.includes('DUTCH'),
  );
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});
const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0];

async function loginForm(): Promise<{ csrf: string; pre: string }> {
  const res = await fetch(`${base}login`);
  const html = await res.text();
  return { csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!, pre: cookieOf(res, 'cmp_console_login')! };
}

async function login(user: string, pass: string): Promise<Response> {
  const { csrf, pre } = await loginForm();
  return fetch(`${base}login`, {
    ...form({ csrf, user, password: pass }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
  });
}

/** csrfOf reads the CSRF token a logged-in page carries (what the page's forms post). */
async function csrfOf(cookie: string): Promise<string> {
  const html = await (await fetch(base, { headers: { cookie } })).text();
  return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
}

test.before(async () => {
  if (!existsSync(join(root, 'dist', 'functions', 'ops-console.mjs')))
    throw new Error('run `npm run build` before the tests (dist/ is missing)');
  dataDir = mkdtempSync(join(tmpdir(), 'cmp-ops-e2e-console-'));
  mkdirSync(artifacts, { recursive: true });
  const routing = join(dataDir, 'alertmanager.yml');
  writeFileSync(
    routing,
    readFileSync(join(root, 'config', 'local', 'alertmanager.yml'), 'utf8').replace(/wait: \d+m/g, 'wait: 1ms'),
  );
  password = randomBytes(9).toString('base64url');
  stack = await startLocalStack({
    root,
    dataDir,
    s3Port: 0,
    gatewayPort: 0,
    accessKey: 'minioadmin',
    secretKey: 'minioadmin',
    seedDemo: true,
    timers: false,
    eventRetryMs: 100,
    only: ['checksum-verify', 'alert-router', 'ops-console'],
    consolePassword: password,
    startTimeoutMs: 180_000,
    log: () => undefined,
    functionEnv: {
      'alert-router': { ROUTING_CONFIG: `file:${routing}` },
      'ops-console': {
        ROUTING_CONFIG: `file:${routing}`,
        CONSOLE_SILENCE_MAX_HOURS: '24',
        CONSOLE_POLL_SECONDS: '{"alerts":1,"deliveries":1,"backups":1,"ftp":1,"installation":1}',
      },
    },
  });
  await stack.settled();
  base = stack.console!.url;
  sessionKey = readFileSync(join(dataDir, 'secrets', 'cmp-ops-console-session-key'), 'utf8').trim();
  // a read-only wallboard user, added the way an operator would: one more name:hash line in the secret
  appendFileSync(
    join(dataDir, 'secrets', 'cmp-ops-console-users'),
    `wall:${await hashPassword('wallboard-pass', { N: 1024 })}\n`,
  );
});

test.after(async () => {
  await browser?.close();
  await nojs?.close();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('demo :: the DUTCH mismatch reached alert-router and its escalation paged the primary', async () => {
  const alerts = (await router('/api/v2/alerts')) as Array<{ labels: Record<string, string> }>;
  assert.ok(alerts.some((a) => a.labels.alertname === 'ChecksumMismatch' && a.labels.subsystem === 'DUTCH'));
  const esc = await demoEscalation();
  assert.match(esc?.notified[0] ?? '', /^user:/, JSON.stringify(esc));
});

test('login :: no session → redirected to the login form; wrong password → 401 page and no session cookie', async () => {
  const first = await fetch(base, { redirect: 'manual' });
  assert.is(first.status, 303);
  assert.is(first.headers.get('location'), 'login');
  const wrong = await login('operator', 'not-the-password');
  assert.is(wrong.status, 401);
  assert.match(await wrong.text(), /Wrong user name or password/);
  assert.is(cookieOf(wrong, 'cmp_console_session'), undefined);
  const right = await login('operator', password);
  assert.is(right.status, 303);
  assert.match(
    right.headers.getSetCookie().find((c) => c.startsWith('cmp_console_session='))!,
    /HttpOnly; SameSite=Strict/,
  );
});

test('csrf :: a POST without the CSRF token (or with another session’s) is refused with 403 and changes nothing', async () => {
  const cookie = cookieOf(await login('operator', password), 'cmp_console_session')!;
  const esc = await demoEscalation();
  const none = await fetch(`${base}ack`, {
    ...form({ group: esc!.groupKey }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  assert.is(none.status, 403);
  assert.match(await none.text(), /CSRF token/);
  const otherCookie = cookieOf(await login('operator', password), 'cmp_console_session')!;
  const other = await fetch(`${base}ack`, {
    ...form({ group: esc!.groupKey, csrf: await csrfOf(otherCookie) }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  assert.is(other.status, 403);
  assert.is((await demoEscalation())?.ack, undefined, 'not acknowledged');
});

test('sessions :: a forged cookie and an expired session lead back to the login form; a POST with them changes nothing', async () => {
  const forged = sealSession('not-the-key', newSession('operator', false, Date.now()));
  const get = await fetch(base, { redirect: 'manual', headers: { cookie: `cmp_console_session=${forged}` } });
  assert.is(get.status, 303);
  assert.match(get.headers.getSetCookie().join(), /cmp_console_session=; .*Max-Age=0/);
  const post = await fetch(`${base}ack`, {
    ...form({ group: 'x', csrf: 'y' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `cmp_console_session=${forged}` },
  });
  assert.is(post.status, 401);
  assert.match(await post.text(), /Nothing was done: the session cookie was not issued by this console/);
  const stale = { ...newSession('operator', false, Date.now() - 3 * 3_600_000) };
  const expired = await fetch(base, {
    redirect: 'manual',
    headers: { cookie: `cmp_console_session=${sealSession(sessionKey, stale)}` },
  });
  assert.is(expired.status, 303);
  assert.is(expired.headers.get('location'), 'login?reason=expired');
  assert.match(await (await fetch(`${base}login?reason=expired`)).text(), /Your session expired/);
  assert.is((await demoEscalation())?.ack, undefined);
});

test('bad input :: unknown filter labels and malformed matchers → 400 with clear messages (page and API), never 500', async () => {
  const cookie = cookieOf(await login('operator', password), 'cmp_console_session')!;
  const pageRes = await fetch(`${base}?host=ftp1&q=${encodeURIComponent('alertname=~"("')}&subsystem=MARS`, {
    headers: { cookie },
  });
  assert.is(pageRes.status, 400);
  const html = await pageRes.text();
  assert.match(html, /Some filters were ignored/);
  assert.match(html, /unknown filter &quot;host&quot;/);
  assert.match(html, /label matchers not understood/);
  assert.match(html, /unknown subsystem &quot;MARS&quot;/);
  assert.match(html, /id="panel-alerts"/, 'the panels are still drawn');
  const api = await fetch(`${base}api/v1/overview?q=${encodeURIComponent('alertname')}`, { headers: { cookie } });
  assert.is(api.status, 400);
  const body = (await api.json()) as { error: { code: string; details: Array<{ field: string }> } };
  assert.is(body.error.code, 'BAD_REQUEST');
  assert.equal(
    body.error.details.map((d) => d.field),
    ['q'],
  );
  const unauth = await fetch(`${base}api/v1/overview`);
  assert.is(unauth.status, 401);
  const withToken = await fetch(`${base}api/v1/overview`, { headers: { authorization: `Bearer ${stack.token}` } });
  assert.is(withToken.status, 200);
});

test('bad input :: a silence longer than the configured maximum (24 h) is refused on the form and not created', async () => {
  const cookie = cookieOf(await login('operator', password), 'cmp_console_session')!;
  const csrf = await csrfOf(cookie);
  const res = await fetch(`${base}silence`, {
    ...form({ csrf, matchers: 'alertname="ChecksumMismatch"', duration: '3d', comment: 'too long' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  assert.is(res.status, 400);
  assert.match(await res.text(), /duration: 3d is longer than the maximum of 24 h/);
  assert.equal(await router('/api/v2/silences'), []);
});

test('read-only :: the wallboard user sees the page without actions; its POST is refused with 403', async () => {
  const cookie = cookieOf(await login('wall', 'wallboard-pass'), 'cmp_console_session')!;
  const html = await (await fetch(`${base}?view=wall`, { headers: { cookie } })).text();
  assert.match(html, /ChecksumMismatch/);
  assert.not.match(html, /Acknowledge<\/button>|Silence…/);
  const esc = await demoEscalation();
  const res = await fetch(`${base}ack`, {
    ...form({ group: esc!.groupKey, csrf: await csrfOf(cookie) }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  assert.is(res.status, 403);
  assert.match(await res.text(), /read-only/);
  assert.is((await demoEscalation())?.ack, undefined);
});

test('throttle :: after 5 failed logins for a user, the next attempt is refused with 429 and Retry-After', async () => {
  for (let i = 0; i < 5; i++) assert.is((await login('night', `guess-${i}`)).status, 401);
  const blocked = await login('night', 'guess-5');
  assert.is(blocked.status, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  assert.match(await blocked.text(), /Too many failed logins/);
});

const shot = (name: string) => join(artifacts, `${name}.png`);
// evaluated in the page (serialized: each is self-contained and uses the browser's globals, not Node's)
type PageGlobals = {
  document: {
    getElementById(id: string): { textContent: string | null } | null;
    activeElement: { id: string } | null;
    documentElement: { scrollHeight: number };
  };
  innerHeight: number;
};
const statusMatches = (pattern: string) =>
  new RegExp(pattern).test((globalThis as unknown as PageGlobals).document.getElementById('status')?.textContent ?? '');
const activeId = () => (globalThis as unknown as PageGlobals).document.activeElement?.id;
const pageOverflow = () =>
  (globalThis as unknown as PageGlobals).document.documentElement.scrollHeight -
  (globalThis as unknown as PageGlobals).innerHeight;

if (missing) {
  console.log(`e2e/console: browser tests skipped: ${missing}`);
  test.skip('browser :: (skipped: chromium absent)', () => undefined);
} else {
  test('browser :: log in on the page → the demo’s DUTCH mismatch in the alerts panel; screenshots; axe finds nothing serious', async () => {
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(base);
    assert.match(page.url(), /\/login$/);
    await page.fill('input[name=user]', 'operator');
    await page.fill('input[name=password]', password);
    await page.click('#login');
    await page.waitForSelector('#panel-alerts');
    const alerts = await page.locator('#panel-alerts').innerText();
    assert.match(alerts, /ChecksumMismatch/);
    assert.match(alerts, /DUTCH/);
    assert.match(alerts, /critical/, 'severity in words, not colour alone');
    assert.match(alerts, /Not acknowledged/);
    for (const id of ['alerts', 'oncall', 'deliveries', 'backups', 'ftp', 'installation']) {
      assert.match(await page.locator(`#panel-${id} .asof`).innerText(), /data as of \d\d:\d\d|no data yet/);
      await page.locator(`#panel-${id}`).screenshot({ path: shot(`panel-${id}`) });
    }
    await page.screenshot({ path: shot('console-light') });
    assert.equal(await runAxe(page), [], 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: shot('console-dark') });
    assert.equal(await runAxe(page), [], 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal(pageErrors, []);
  });

  test('browser :: filters change the URL and the view (DUTCH keeps the alert, STS hides it); silenced hidden by default', async () => {
    await page.check('input[name=subsystem][value=DUTCH]');
    await page.click('#apply');
    await page.waitForURL(/subsystem=DUTCH/);
    assert.match(await page.locator('#panel-alerts').innerText(), /ChecksumMismatch/);
    assert.not.ok(await page.isChecked('input[name=silenced]'), '"hide silenced" is on by default');
    await page.uncheck('input[name=subsystem][value=DUTCH]');
    await page.check('input[name=subsystem][value=STS]');
    await page.click('#apply');
    await page.waitForURL(/subsystem=STS/);
    assert.not.match(await page.locator('#panel-alerts').innerText(), /ChecksumMismatch/);
    await page.goto(`${base}?subsystem=DUTCH`);
    assert.equal(pageErrors, []);
  });

  test('browser :: acknowledged from the page with the keyboard → shown with who and when; escalation stops in alert-router', async () => {
    // each tick is one step of the policy (its waits are 1 ms here): a notify step pages one more person
    const before = (await demoEscalation())!.notified.length;
    await stack.tick(DateTime.utc().startOf('minute'));
    await stack.tick(DateTime.utc().startOf('minute'));
    const paged = (await demoEscalation())!.notified.length;
    assert.ok(paged > before, `escalating before the acknowledgement: ${before} → ${paged} paged`);
    await page.reload();
    const ack = page.locator('#panel-alerts button', { hasText: 'Acknowledge' }).first();
    await ack.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(statusMatches, 'Acknowledged by operator');
    const text = await page.locator('#panel-alerts').innerText();
    assert.match(text, /Acknowledged by operator at \d\d:\d\d — escalation stopped/);
    assert.not.equal(await page.evaluate(activeId), 'status', 'the announcement does not take the focus');
    assert.is((await demoEscalation())?.ack?.by, 'operator');
    await stack.tick(DateTime.utc().startOf('minute'));
    await stack.tick(DateTime.utc().startOf('minute'));
    assert.is((await demoEscalation())?.notified.length, paged, 'nobody else paged after the acknowledgement');
    await page.locator('#panel-alerts').screenshot({ path: shot('panel-alerts-acknowledged') });
    assert.equal(pageErrors, []);
  });

  test('browser :: a silence made from the page (prefilled from the alert) hides it; expiring it shows it again', async () => {
    await page.click('#panel-alerts a:has-text("Silence…")');
    await page.waitForSelector('textarea[name=matchers]');
    assert.match(
      await page.inputValue('textarea[name=matchers]'),
      /alertname="ChecksumMismatch"\n[\s\S]*subsystem="DUTCH"/,
    );
    assert.match(await page.locator('main').innerText(), /Created by operator/);
    await page.fill('input[name=duration]', '2h');
    await page.fill('textarea[name=comment]', 'provider re-delivers tonight (INC-1207)');
    await page.screenshot({ path: shot('silence-form') });
    assert.equal(await runAxe(page), []);
    await page.click('#create-silence');
    await page.waitForSelector('#flash');
    assert.match(await page.locator('#flash').innerText(), /created by operator/);
    assert.match(page.url(), /subsystem=DUTCH/, 'back to the same view');
    const alerts = await page.locator('#panel-alerts').innerText();
    assert.not.match(alerts, /ChecksumMismatch DUTCH/);
    assert.match(alerts, /1 silenced or inhibited hidden/);
    const silences = (await router('/api/v2/silences')) as Array<{ createdBy: string; status: { state: string } }>;
    assert.equal(
      silences.map((s) => [s.createdBy, s.status.state]),
      [['operator', 'active']],
    );
    await page.click('#panel-alerts button:has-text("Expire")');
    await page.waitForFunction(statusMatches, 'expired by operator');
    assert.match(await page.locator('#panel-alerts').innerText(), /ChecksumMismatch/);
    assert.equal(pageErrors, []);
  });

  test('browser :: refresh control — pause toggles aria-pressed; a refresh is announced in role=status without moving focus', async () => {
    const pause = page.locator('#pause');
    assert.is(await pause.getAttribute('aria-pressed'), 'false');
    await pause.click();
    assert.is(await pause.getAttribute('aria-pressed'), 'true');
    assert.is(await pause.innerText(), 'Resume auto-refresh');
    await pause.click();
    await page.locator('#refresh-now').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(statusMatches, '^Refreshed — Updated');
    assert.is(await page.evaluate(activeId), 'refresh-now');
    assert.is(await page.getAttribute('#status', 'role'), 'status');
    assert.equal(pageErrors, []);
  });

  test('browser :: the wall view has no actions and fits 1280×720 without a page scroll', async () => {
    await page.goto(`${base}?view=wall`);
    assert.is(
      await page
        .locator('#panel-alerts button:has-text("Acknowledge"), #panel-alerts a:has-text("Silence…"), form.filters')
        .count(),
      0,
    );
    const overflow = await page.evaluate(pageOverflow);
    assert.ok(overflow <= 0, `page scrolls by ${overflow}px`);
    await page.screenshot({ path: shot('console-wall') });
    assert.equal(await runAxe(page), []);
    assert.equal(pageErrors, []);
  });

  // Without JavaScript (a locked-down wall browser, a failed script): every path is a form that posts or gets, and
  // the server answers with a redirect or a page. A second Chromium context with JavaScript disabled, its own cookies.
  let plain: Page;
  const egmGroup = async () =>
    ((await router('/api/v1/escalations')) as Array<{ groupKey: string; ack?: { by: string } }>).find((e) =>
      e.groupKey.includes('UplinkLost'),
    );

  // on the console's own cookie path (the default path of its pages), so the browser holds one session cookie
  const replaceSession = async (value: string) =>
    nojs!.context.addCookies([
      {
        name: 'cmp_console_session',
        value,
        domain: new URL(base).hostname,
        path: new URL(base).pathname.replace(/\/[^/]*$/, ''),
        httpOnly: true,
        sameSite: 'Strict',
      },
    ]);
  /** showing reloads until the page (drawn from the console's last read of alert-router) shows `text`. */
  const showing = async (text: string) => {
    for (let i = 0; i < 40 && !(await plain.locator('#panel-alerts').innerText()).includes(text); i++) {
      await new Promise((r) => setTimeout(r, 250));
      await plain.reload();
    }
    assert.match(await plain.locator('#panel-alerts').innerText(), text);
  };

  test('no-js :: the login form posts and the server redirects to the page; the script never ran', async () => {
    nojs = await launchChromium({ javaScriptEnabled: false });
    plain = await nojs.context.newPage();
    await plain.goto(base);
    assert.match(plain.url(), /\/login$/);
    await plain.fill('input[name=user]', 'operator');
    await plain.fill('input[name=password]', 'wrong');
    await plain.click('#login');
    assert.match(await plain.locator('main').innerText(), /Wrong user name or password/);
    await plain.fill('input[name=password]', password);
    await plain.click('#login');
    await plain.waitForSelector('#panel-alerts');
    assert.is(new URL(plain.url()).pathname, new URL(base).pathname);
    assert.is(await plain.isHidden('#pause'), true, 'no script: the pause control stays hidden');
    assert.match(await plain.locator('#status').innerText(), /^Loaded \d\d:\d\d/);
    await plain.screenshot({ path: shot('nojs-console') });
  });

  test('no-js :: the filter form changes the URL and the server draws the filtered view', async () => {
    await plain.check('input[name=subsystem][value=DUTCH]');
    await plain.click('#apply');
    await plain.waitForURL(/\?subsystem=DUTCH/);
    assert.match(await plain.locator('#panel-alerts').innerText(), /ChecksumMismatch/);
    await plain.uncheck('input[name=subsystem][value=DUTCH]');
    await plain.check('input[name=subsystem][value=STS]');
    await plain.fill('input[name=q]', 'alertname="ChecksumMismatch"');
    await plain.click('#apply');
    await plain.waitForURL(/subsystem=STS&q=alertname/);
    assert.not.match(await plain.locator('#panel-alerts').innerText(), /ChecksumMismatch/);
    assert.is(
      await plain.inputValue('input[name=q]'),
      'alertname="ChecksumMismatch"',
      "the form shows the URL's filters",
    );
  });

  test('no-js :: acknowledge posts, the server redirects back to the same view with the result; alert-router has the ack', async () => {
    // a second critical group of its own, so this acknowledgement is not the one the script tests made
    const res = await fetch(`${stack.gatewayUrl}/function/alert-router/api/v2/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { labels: { alertname: 'UplinkLost', severity: 'critical', subsystem: 'EGM' }, annotations: { summary: 'x' } },
      ]),
    });
    assert.is(res.status, 200);
    await stack.tick(DateTime.utc().startOf('minute'));
    assert.ok(await egmGroup(), 'the new group escalates');
    await plain.goto(`${base}?subsystem=EGM`);
    await showing('UplinkLost');
    const ack = plain.locator('#panel-alerts button', { hasText: 'Acknowledge' }).first();
    await Promise.all([plain.waitForURL(/\?subsystem=EGM$/), ack.click()]);
    assert.match(
      await plain.locator('#flash').innerText(),
      /Acknowledged by operator at \d\d:\d\d: escalation stopped/,
    );
    assert.match(await plain.locator('#panel-alerts').innerText(), /Acknowledged by operator at \d\d:\d\d/);
    assert.is((await egmGroup())?.ack?.by, 'operator');
    await plain.reload();
    assert.is(await plain.locator('#flash').count(), 0, 'the result is shown once');
  });

  test('no-js :: the silence form (prefilled) posts and redirects; the silence is listed and expired by its form', async () => {
    await plain.click('#panel-alerts a:has-text("Silence…")');
    await plain.waitForURL(/silence-new\?subsystem=EGM&fp=/);
    assert.match(await plain.inputValue('textarea[name=matchers]'), /alertname="UplinkLost"/);
    await plain.fill('input[name=duration]', '30m');
    await plain.fill('textarea[name=comment]', 'antenna maintenance (no-js)');
    await Promise.all([plain.waitForURL(/\?subsystem=EGM$/), plain.click('#create-silence')]);
    assert.match(await plain.locator('#flash').innerText(), /Silence [0-9a-f]{8} created by operator until \d\d:\d\d/);
    const silences = (await router('/api/v2/silences')) as Array<{
      id: string;
      comment: string;
      status: { state: string };
    }>;
    const made = silences.find((x) => x.comment === 'antenna maintenance (no-js)');
    assert.is(made?.status.state, 'active');
    assert.match(await plain.locator('#panel-alerts').innerText(), /1 silenced or inhibited hidden/);
    await Promise.all([plain.waitForURL(/\?subsystem=EGM$/), plain.click(`#exp-${made!.id}`)]);
    assert.match(await plain.locator('#flash').innerText(), /expired by operator/);
    const after = (await router('/api/v2/silences')) as Array<{ id: string; status: { state: string } }>;
    assert.is(after.find((x) => x.id === made!.id)?.status.state, 'expired');
  });

  test('no-js :: a form from an earlier session is refused (CSRF, 403) and nothing is created', async () => {
    await plain.goto(`${base}?subsystem=EGM`);
    await plain.click('#panel-alerts a:has-text("Silence…")');
    await plain.fill('textarea[name=comment]', 'from a stale form');
    // a second login in this browser replaces the session: the open form carries the first session's token
    const { csrf, pre } = await loginForm();
    const again = await fetch(`${base}login`, {
      ...form({ csrf, user: 'operator', password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
    });
    await replaceSession(cookieOf(again, 'cmp_console_session')!.split('=').slice(1).join('='));
    const before = ((await router('/api/v2/silences')) as unknown[]).length;
    const [answer] = await Promise.all([
      plain.waitForResponse((r) => r.request().method() === 'POST'),
      plain.click('#create-silence'),
    ]);
    assert.is(answer.status(), 403);
    assert.match(await plain.locator('main').innerText(), /Refused[\s\S]*CSRF token[\s\S]*Nothing was changed/);
    assert.is(((await router('/api/v2/silences')) as unknown[]).length, before);
  });

  test('no-js :: an expired session: a form posted with it does nothing (401, log in again); a page leads to the login', async () => {
    await plain.goto(`${base}?subsystem=EGM`);
    await plain.click('#panel-alerts a:has-text("Silence…")');
    await plain.fill('textarea[name=comment]', 'after the session expired');
    await replaceSession(sealSession(sessionKey, newSession('operator', false, Date.now() - 3 * 3_600_000)));
    const before = ((await router('/api/v2/silences')) as unknown[]).length;
    const [answer] = await Promise.all([
      plain.waitForResponse((r) => r.request().method() === 'POST'),
      plain.click('#create-silence'),
    ]);
    assert.is(answer.status(), 401);
    assert.match(await plain.locator('main').innerText(), /Nothing was done: the session expired/);
    assert.is(((await router('/api/v2/silences')) as unknown[]).length, before);
    await replaceSession(sealSession(sessionKey, newSession('operator', false, Date.now() - 3 * 3_600_000)));
    await plain.goto(`${base}?subsystem=DUTCH`);
    assert.match(plain.url(), /\/login\?reason=expired$/);
    assert.match(await plain.locator('main').innerText(), /Your session expired: please log in again/);
    await plain.fill('input[name=user]', 'operator');
    await plain.fill('input[name=password]', password);
    await plain.click('#login');
    await plain.waitForSelector('#panel-alerts');
  });
}

test.run();
