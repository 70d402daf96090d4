import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { bearerMatches } from '#lib/runtime/auth.ts';
import { errorBody, isOpsError, opsError, toOpsError, type OpsError } from '#lib/runtime/errors.ts';
import type { Secret } from '#lib/runtime/secrets.ts';
import type { HandlerRequest } from '#lib/runtime/web.ts';
import type { Handler, RequestContext } from '#lib/runtime/server.ts';
import type { Expectation } from '#lib/netbackup/index.ts';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.ts';
import { findAlert } from './alert-groups.ts';
import type { Collector } from './collector.ts';
import { parseFilters } from './filters.ts';
import { TimeFormat } from './html.ts';
import { LoginThrottle } from './login-throttle.ts';
import { buildOverview, type OverviewSettings } from './overview.ts';
import { renderLogin, renderMessage, renderPageParts, renderSilenceForm } from './page.ts';
import { verifyPassword, type ConsoleUser } from './password.ts';
import type { RouterClient } from './router-client.ts';
import {
  cookieHeader,
  csrfMatches,
  csrfToken,
  newSession,
  openSession,
  readCookies,
  sealSession,
  SESSION_COOKIE,
  type Session,
} from './session.ts';
import { matcherLines, parseSilenceForm } from './silence-input.ts';

/** ConsoleSettings are ops-console's configuration (functions/ops-console/handler.ts validates them). */
export interface ConsoleSettings {
  zone: string;
  refreshSeconds: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  silenceMaxHours: number;
  readOnlyUsers: string[];
  secureCookies: 'auto' | 'always' | 'never';
  deliveryDeadlineMinutes: number;
  backupExpectations: Array<Pick<Expectation, 'policy' | 'client' | 'everyHours'>>;
  backupDefaultHours: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  limits: OverviewSettings['limits'];
}

/** ConsoleDeps are the console's ports: users and keys from secrets, the collector, alert-router's API, the clock. */
export interface ConsoleDeps {
  settings: ConsoleSettings;
  users: () => Map<string, ConsoleUser>;
  sessionKey: () => string;
  invokeToken: () => Secret;
  collector: Collector;
  router: RouterClient;
  now: () => number;
}

const PRE_COOKIE = 'cmp_console_login';
const FLASH_COOKIE = 'cmp_console_flash';
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};
const SILENCE_ID = /^[0-9a-f-]{36}$/;
// a dummy hash keeps an unknown user's login as slow as a known one's (no user enumeration by timing)
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

type Reply = {
  status: number;
  /** a whole text, or the pieces of a page drawn as the response stream asks for them. */
  body: string | Iterable<string>;
  type: string;
  headers?: Record<string, string>;
  cookies?: string[];
};

function pieces(parts: Iterable<string>): ReadableStream<Uint8Array> {
  const it = parts[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(Buffer.from(next.value));
    },
  });
}

function respond(req: HandlerRequest, r: Reply): Response {
  const headers = new Headers({ ...SECURITY_HEADERS, 'content-type': r.type, vary: 'accept-encoding', ...r.headers });
  for (const c of r.cookies ?? []) headers.append('set-cookie', c);
  const accept = req.headers.get('accept-encoding') ?? '';
  if (typeof r.body !== 'string') {
    if (!/\bgzip\b/.test(accept)) return new Response(pieces(r.body), { status: r.status, headers });
    headers.set('content-encoding', 'gzip');
    const gzip = new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>;
    return new Response(pieces(r.body).pipeThrough(gzip), { status: r.status, headers });
  }
  if (r.body.length > 1024 && /\bgzip\b/.test(accept)) {
    headers.set('content-encoding', 'gzip');
    return new Response(gzipSync(r.body, { level: 6 }), { status: r.status, headers });
  }
  return new Response(r.body, { status: r.status, headers });
}

const page = (status: number, body: string | Iterable<string>, extra: Partial<Reply> = {}): Reply => ({
  status,
  body,
  type: 'text/html; charset=utf-8',
  ...extra,
});
const redirect = (location: string, cookies: string[] = []): Reply => ({
  status: 303,
  body: '',
  type: 'text/plain',
  headers: { location },
  cookies,
});

function safeReturn(value: string | null): string {
  // only a query string of the console itself: never another path or origin
  return value && /^\?[^\\\r\n]*$/.test(value) && value.length < 2000 ? value : '';
}

/**
 * createConsoleApp is ops-console's HTTP surface: the page (server-rendered, works without JavaScript), the
 * overview as JSON, login/logout with signed session cookies and CSRF tokens, and the actions (acknowledge,
 * silence, expire), which go to alert-router's API under the operator's name.
 */
export function createConsoleApp(deps: ConsoleDeps): Handler {
  const s = deps.settings;
  const throttle = new LoginThrottle(s.loginMaxFailures, s.loginWindowMinutes * 60_000);
  const addressThrottle = new LoginThrottle(s.loginMaxFailures * 4, s.loginWindowMinutes * 60_000);
  const policy = { idleMs: s.sessionIdleMinutes * 60_000, maxMs: s.sessionMaxHours * 3_600_000 };
  const secure = (req: HandlerRequest) =>
    s.secureCookies === 'always' || (s.secureCookies === 'auto' && req.headers.get('x-forwarded-proto') === 'https');
  const overviewSettings = (now: number): OverviewSettings => ({
    now,
    zone: s.zone,
    deliveryDeadlineMs: s.deliveryDeadlineMinutes * 60_000,
    backupExpectations: s.backupExpectations,
    defaultBackupHours: s.backupDefaultHours,
    limits: s.limits,
  });

  const sessionOf = (
    req: HandlerRequest,
    now: number,
  ): { session?: Session; refused?: 'forged' | 'expired'; renewed?: string } => {
    const value = readCookies(req.headers.get('cookie')).get(SESSION_COOKIE);
    if (!value) return {};
    const opened = openSession(deps.sessionKey(), value, now, policy);
    if ('refused' in opened) return { refused: opened.refused };
    const session = opened.session;
    // sliding idle expiry: the cookie is re-sealed at most once a minute, not on every refresh
    if (now - session.seenAt < 60_000) return { session };
    const renewed = { ...session, seenAt: now };
    return {
      session: renewed,
      renewed: cookieHeader(SESSION_COOKIE, sealSession(deps.sessionKey(), renewed), { secure: secure(req) }),
    };
  };

  const loginPage = (req: HandlerRequest, status: number, message?: string, user?: string, next?: string): Reply => {
    const nonce = randomBytes(16).toString('base64url');
    return page(
      status,
      renderLogin({
        csrf: csrfToken(deps.sessionKey(), `login:${nonce}`),
        ...(message ? { message } : {}),
        ...(user ? { user } : {}),
        ...(next ? { next } : {}),
      }),
      {
        cookies: [cookieHeader(PRE_COOKIE, nonce, { maxAgeSeconds: 3600, secure: secure(req) })],
      },
    );
  };

  const readForm = async (req: HandlerRequest): Promise<URLSearchParams> => {
    const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded')
      throw opsError('UNSUPPORTED_MEDIA_TYPE', 'forms are posted as application/x-www-form-urlencoded');
    return new URLSearchParams(await req.text());
  };

  async function login(req: HandlerRequest, now: number): Promise<Reply> {
    const form = await readForm(req);
    const nonce = readCookies(req.headers.get('cookie')).get(PRE_COOKIE) ?? '';
    if (!nonce || !csrfMatches(deps.sessionKey(), `login:${nonce}`, form.get('csrf'))) {
      return loginPage(req, 403, 'The login form had expired or did not come from this console: please log in again.');
    }
    const user = (form.get('user') ?? '').trim().slice(0, 64);
    const password = form.get('password') ?? '';
    const next = safeReturn(form.get('next'));
    const forwarded =
      req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip') || 'unknown';
    const wait = Math.max(throttle.retryAfterMs(user, now), addressThrottle.retryAfterMs(forwarded, now));
    if (wait > 0) {
      const r = loginPage(
        req,
        429,
        `Too many failed logins for this user or address: try again in ${Math.ceil(wait / 60_000)} min.`,
        user,
        next,
      );
      return { ...r, headers: { 'retry-after': String(Math.ceil(wait / 1000)) } };
    }
    const known = deps.users().get(user);
    const ok = await verifyPassword(password, known?.hash ?? DUMMY_HASH);
    if (!known || !ok || password === '') {
      throttle.fail(user, now);
      addressThrottle.fail(forwarded, now);
      return loginPage(req, 401, 'Wrong user name or password.', user, next);
    }
    throttle.forget(user);
    const session = newSession(user, s.readOnlyUsers.includes(user), now);
    return redirect(`./${next}`, [
      cookieHeader(SESSION_COOKIE, sealSession(deps.sessionKey(), session), { secure: secure(req) }),
      cookieHeader(PRE_COOKIE, '', { maxAgeSeconds: 0, secure: secure(req) }),
    ]);
  }

  async function action(
    req: HandlerRequest,
    ctx: RequestContext,
    name: string,
    session: Session,
    now: number,
  ): Promise<{ message: string; returnTo: string } | Reply> {
    const form = await readForm(req);
    if (!csrfMatches(deps.sessionKey(), session.id, form.get('csrf'))) throw opsError('CSRF_REJECTED');
    if (name === 'logout')
      return redirect('login', [cookieHeader(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: secure(req) })]);
    if (session.readOnly)
      throw opsError(
        'CONSOLE_READ_ONLY',
        `${session.user} is a read-only user: acknowledging and silencing need an operator login`,
      );
    const returnTo = safeReturn(form.get('return'));
    const t = new TimeFormat(s.zone, now);
    if (name === 'ack') {
      const group = form.get('group') ?? '';
      if (group === '' || group.length > 4000)
        throw opsError('BAD_REQUEST', 'acknowledge needs the group', [{ field: 'group', reason: 'required' }]);
      await deps.router.acknowledge(group, session.user, undefined, ctx.signal);
      ctx.log.info({ user: session.user, action: 'ack', group }, 'acknowledged');
      await deps.collector.refresh('alerts');
      return {
        message: `Acknowledged by ${session.user} at ${t.clock(now).slice(0, 5)}: escalation stopped`,
        returnTo,
      };
    }
    if (name === 'expire') {
      const id = form.get('silence') ?? '';
      if (!SILENCE_ID.test(id))
        throw opsError('BAD_REQUEST', 'expire needs a silence id', [
          { field: 'silence', reason: 'a silence id (UUID)' },
        ]);
      await deps.router.expireSilence(id, ctx.signal);
      ctx.log.info({ user: session.user, action: 'expire', silence: id }, 'silence expired');
      await deps.collector.refresh('alerts');
      return { message: `Silence ${id.slice(0, 8)} expired by ${session.user}`, returnTo };
    }
    const parsed = parseSilenceForm(form, { author: session.user, now, maxMs: s.silenceMaxHours * 3_600_000 });
    if ('problems' in parsed) {
      return page(
        400,
        renderSilenceForm(
          {
            matchers: form.get('matchers') ?? '',
            duration: form.get('duration') ?? '',
            comment: form.get('comment') ?? '',
            author: session.user,
            returnTo,
          },
          { csrf: csrfToken(deps.sessionKey(), session.id), maxHours: s.silenceMaxHours, problems: parsed.problems },
        ),
      );
    }
    const { silenceID } = await deps.router.createSilence(parsed.silence, ctx.signal);
    ctx.log.info(
      { user: session.user, action: 'silence', silence: silenceID, endsAt: parsed.silence.endsAt },
      'silence created',
    );
    await deps.collector.refresh('alerts');
    return {
      message: `Silence ${silenceID.slice(0, 8)} created by ${session.user} until ${t.clock(Date.parse(parsed.silence.endsAt)).slice(0, 5)}`,
      returnTo,
    };
  }

  async function route(req: HandlerRequest, ctx: RequestContext): Promise<Reply> {
    const url = new URL(req.url);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const now = deps.now();
    if (req.method === 'GET' && path === '/assets/console.css')
      return {
        status: 200,
        body: CONSOLE_CSS,
        type: 'text/css; charset=utf-8',
        headers: { 'cache-control': 'max-age=300' },
      };
    if (req.method === 'GET' && path === '/assets/console.js')
      return {
        status: 200,
        body: CONSOLE_JS,
        type: 'text/javascript; charset=utf-8',
        headers: { 'cache-control': 'max-age=300' },
      };
    if (path === '/login' && req.method === 'GET')
      return loginPage(
        req,
        200,
        url.searchParams.get('reason') === 'expired' ? 'Your session expired: please log in again.' : undefined,
        undefined,
        safeReturn(url.searchParams.get('next')),
      );
    if (path === '/login' && req.method === 'POST') return login(req, now);
    const { session, refused, renewed } = sessionOf(req, now);
    const cookies = renewed ? [renewed] : [];
    if (path === '/api/v1/overview' && req.method === 'GET') {
      if (!session && !bearerMatches(req.headers.get('authorization'), deps.invokeToken()))
        throw opsError('UNAUTHORIZED', 'log in to the console or send the invoke token');
      const { filters, problems } = parseFilters(url.searchParams);
      if (problems.length)
        throw opsError(
          'BAD_REQUEST',
          'some filters are not understood',
          problems.map((p) => ({ field: p.field, reason: p.reason })),
        );
      const overview = buildOverview(await deps.collector.snapshots(), filters, [], overviewSettings(deps.now()));
      return { status: 200, body: JSON.stringify(overview), type: 'application/json', cookies };
    }
    if (!session) {
      const clear = refused ? [cookieHeader(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: secure(req) })] : [];
      if (req.method !== 'GET' || req.headers.get('x-console-refresh') || req.headers.get('x-console-inline')) {
        const why =
          refused === 'forged'
            ? 'the session cookie was not issued by this console'
            : refused === 'expired'
              ? 'the session expired'
              : 'not logged in';
        if (req.headers.get('x-console-inline') || req.headers.get('x-console-refresh'))
          return {
            status: 401,
            body: JSON.stringify(errorBody(opsError('UNAUTHORIZED', `${why}: log in again`))),
            type: 'application/json',
            cookies: clear,
          };
        const again = loginPage(req, 401, `Nothing was done: ${why}. Please log in again.`);
        return { ...again, cookies: [...clear, ...again.cookies!] };
      }
      if (path !== '/' && path !== '/silence-new')
        return page(404, renderMessage('Not found', `There is no page ${path} here.`), { cookies: clear });
      return redirect(
        `login${refused === 'expired' ? '?reason=expired' : ''}${url.search && path === '/' && !refused ? `${refused ? '&' : '?'}next=${encodeURIComponent(url.search)}` : ''}`,
        clear,
      );
    }
    if (req.method === 'POST' && ['/ack', '/silence', '/expire', '/logout'].includes(path)) {
      const inline = req.headers.get('x-console-inline') === '1';
      try {
        const done = await action(req, ctx, path.slice(1), session, now);
        if ('status' in done) return { ...done, cookies: [...cookies, ...(done.cookies ?? [])] };
        if (inline)
          return { status: 200, body: JSON.stringify({ message: done.message }), type: 'application/json', cookies };
        return redirect(`./${done.returnTo}`, [
          ...cookies,
          cookieHeader(FLASH_COOKIE, encodeURIComponent(done.message), { maxAgeSeconds: 60, secure: secure(req) }),
        ]);
      } catch (err) {
        const e = toOpsError(err);
        if (!isOpsError(err)) throw err;
        if (inline) return { status: e.status, body: JSON.stringify(errorBody(e)), type: 'application/json', cookies };
        return page(
          e.status,
          renderMessage(e.status === 403 ? 'Refused' : 'Not done', `${e.message}. Nothing was changed.`),
          { cookies },
        );
      }
    }
    if (req.method !== 'GET')
      throw opsError('METHOD_NOT_ALLOWED', `${req.method} ${path} is not an action of the console`);
    const csrf = csrfToken(deps.sessionKey(), session.id);
    if (path === '/silence-new') {
      if (session.readOnly)
        return page(
          403,
          renderMessage('Refused', `${session.user} is a read-only user: silences need an operator login.`),
          { cookies },
        );
      const fp = url.searchParams.get('fp') ?? '';
      const params = new URLSearchParams(url.search);
      params.delete('fp');
      const returnTo = safeReturn(params.size ? `?${params}` : '');
      const groups = (await deps.collector.snapshots()).alerts.data?.groups ?? [];
      const alert = findAlert(groups, fp);
      if (!alert)
        return page(
          404,
          renderMessage(
            'Alert not found',
            `No alert with fingerprint "${fp.slice(0, 40)}" is active any more: it may have resolved.`,
            `./${returnTo}`,
          ),
          { cookies },
        );
      return page(
        200,
        renderSilenceForm(
          { matchers: matcherLines(alert.labels), duration: '2h', comment: '', author: session.user, returnTo },
          { csrf, maxHours: s.silenceMaxHours, alertName: alert.labels.alertname ?? '' },
        ),
        { cookies },
      );
    }
    if (path !== '/') return page(404, renderMessage('Not found', `There is no page ${path} here.`), { cookies });
    const { filters, problems } = parseFilters(url.searchParams);
    const snapshots = await deps.collector.snapshots();
    const at = deps.now();
    const overview = buildOverview(snapshots, filters, problems, overviewSettings(at));
    const flashText = readCookies(req.headers.get('cookie')).get(FLASH_COOKIE);
    let flash: { kind: 'ok'; text: string } | undefined;
    if (flashText && !req.headers.get('x-console-refresh')) {
      try {
        flash = { kind: 'ok', text: decodeURIComponent(flashText).slice(0, 300) };
      } catch {
        flash = undefined;
      }
      cookies.push(cookieHeader(FLASH_COOKIE, '', { maxAgeSeconds: 0, secure: secure(req) }));
    }
    const html = renderPageParts(overview, {
      t: new TimeFormat(s.zone, at),
      user: session.user,
      readOnlyUser: session.readOnly,
      actions: !session.readOnly,
      csrf,
      filters,
      refreshSeconds: s.refreshSeconds,
      ...(flash ? { flash } : {}),
    });
    return page(problems.length ? 400 : 200, html, { cookies });
  }

  return async (req, ctx) => {
    try {
      return respond(req, await route(req, ctx));
    } catch (err) {
      const e: OpsError = toOpsError(err);
      if (e.status >= 500 && e.code !== 'GATEWAY_UNAVAILABLE') ctx.log.error({ err, code: e.code }, e.message);
      const wantsJson = new URL(req.url).pathname.startsWith('/api/') || req.headers.get('x-console-inline') !== null;
      if (wantsJson)
        return respond(req, {
          status: e.status,
          body: JSON.stringify(errorBody(e)),
          type: 'application/json',
          headers: e.status === 503 ? { 'retry-after': '5' } : {},
        });
      const text =
        e.status >= 500 && e.code === 'INTERNAL'
          ? 'The console failed to draw this page; the error is in its log.'
          : e.message;
      return respond(
        req,
        page(e.status, renderMessage(e.status === 403 ? 'Refused' : 'Not done', `${text}. Nothing was changed.`)),
      );
    }
  };
}
