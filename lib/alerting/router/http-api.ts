import { json, readJson, readJsonText } from '#lib/runtime/body.ts';
import { errorBody, isOpsError, opsError } from '#lib/runtime/errors.ts';
import type { Handler, RequestContext } from '#lib/runtime/server.ts';
import type { HandlerRequest } from '#lib/runtime/web.ts';
import { verifyAck } from '../oncall/escalation.ts';
import { alertGroupsStream, listAlertGroups, parseGroupQuery } from './alert-groups.ts';
import { alertListingStream, parseAlertQuery, selectAlerts } from './alert-listing.ts';
import { deadLetterSummary } from './outbox.ts';
import type { AlertRouter } from './router-service.ts';
import { gettableSilence, silenceState } from './silences.ts';

/** ApiRequest is what a route's handler gets: the request, its context, the path's captures and the time. */
export interface ApiRequest {
  req: HandlerRequest;
  url: URL;
  ctx: RequestContext;
  params: string[];
  now: number;
}

/** ApiRoute is one row of the route table: a method, a path (exact, or a pattern whose groups are the params). */
export interface ApiRoute {
  method: string;
  path: string | RegExp;
  handle(request: ApiRequest): Promise<Response>;
}

/** PUBLIC_PATHS skip the bearer check: the signed acknowledgement link carries its own credential (an HMAC). */
export const isPublicPath = (pathname: string, method: string): boolean =>
  pathname === '/ack' && (method === 'GET' || method === 'POST');

/** routerRoutes is alert-router's HTTP API (docs/alerting.md), one row per method and path. */
export function routerRoutes(router: AlertRouter, ackKey: () => string | undefined): ApiRoute[] {
  const ackLink = async ({ url, now }: ApiRequest) => {
    const key = ackKey();
    if (!key) throw opsError('NOT_FOUND', 'acknowledgement links are not enabled (secret cmp-ops-ack-key)');
    const checked = verifyAck(key, url.searchParams, now);
    if ('reason' in checked) throw opsError('UNAUTHORIZED', `acknowledgement link refused: ${checked.reason}`);
    const esc = await router.acknowledge(checked.groupKey, url.searchParams.get('by') ?? 'link', now);
    if (!esc) throw opsError('NOT_FOUND', 'nothing to acknowledge: the group resolved or never escalated');
    return json({ acknowledged: checked.groupKey, by: esc.ack!.by, at: new Date(esc.ack!.at).toISOString() });
  };
  const ingest =
    (early: boolean) =>
    async ({ req, ctx, now }: ApiRequest) => {
      const { value: body, text } = await readJsonText(req);
      if (body === undefined && ctx.topic === 'cron-function')
        return json({ tick: true, ...(await router.tick(now, ctx)) });
      try {
        return json(await router.ingest(body, text, now, early, ctx));
      } catch (err) {
        // the storm policy's answer: 429 with when to come back (the catalog's generic rendering knows only 503's)
        const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (!isOpsError(err) || err.code !== 'ROUTER_OVERLOADED' || retryAfter === undefined) throw err;
        return json(errorBody(err), err.status, { 'retry-after': String(retryAfter) });
      }
    };
  const SILENCE = /^\/api\/v2\/silence\/([0-9a-f-]{36})$/;
  return [
    { method: 'GET', path: '/ack', handle: ackLink },
    { method: 'POST', path: '/ack', handle: ackLink },
    {
      method: 'POST',
      path: '/api/v1/ack',
      async handle({ req, now }) {
        const body = (await readJson(req)) as { groupKey?: unknown; by?: unknown; note?: unknown } | undefined;
        if (typeof body?.groupKey !== 'string' || typeof body.by !== 'string')
          throw opsError('BAD_REQUEST', 'ack needs groupKey and by', [
            { field: '/groupKey', reason: 'string required' },
            { field: '/by', reason: 'string required' },
          ]);
        const esc = await router.acknowledge(
          body.groupKey,
          body.by,
          now,
          typeof body.note === 'string' ? body.note : undefined,
        );
        if (!esc) throw opsError('NOT_FOUND', `no escalation for group ${body.groupKey}`);
        return json({ acknowledged: esc.groupKey, by: esc.ack!.by, notified: esc.notified });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/dead-letters',
      handle: async () => json((await router.read()).deadLetters.map(deadLetterSummary)),
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/dead-letters\/([^/]+)\/retry$/,
      async handle({ params: [id], ctx, now }) {
        const retried = await router.retryDeadLetter(decodeURIComponent(id!), now, ctx);
        if (!retried) throw opsError('NOT_FOUND', `no dead letter ${id}`);
        return json(retried);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/escalations',
      handle: async () => json(Object.values((await router.read()).escalations ?? {})),
    },
    {
      method: 'GET',
      path: '/api/v2/silences',
      handle: async ({ now }) =>
        json(Object.values((await router.read()).silences).map((s) => gettableSilence(s, now))),
    },
    {
      method: 'POST',
      path: '/api/v2/silences',
      async handle({ req, now }) {
        const body = (await readJson(req)) as Record<string, unknown> | undefined;
        if (!body || typeof body !== 'object' || Array.isArray(body))
          throw opsError('BAD_REQUEST', 'a silence is a JSON object', [{ field: '/', reason: 'must be object' }]);
        return json({ silenceID: await router.upsertSilence(body, now) });
      },
    },
    {
      method: 'DELETE',
      path: SILENCE,
      async handle({ params: [id], now }) {
        await router.expireSilence(id!, now);
        return json({ expired: id });
      },
    },
    {
      method: 'GET',
      path: SILENCE,
      async handle({ params: [id], now }) {
        const s = (await router.read()).silences[id!];
        if (!s) throw opsError('NOT_FOUND', `silence ${id} not found`);
        return json({ ...gettableSilence(s, now), state: silenceState(s, now) });
      },
    },
    {
      method: 'GET',
      path: '/api/v2/alerts',
      async handle({ url, ctx, now }) {
        const query = parseAlertQuery(url.searchParams);
        const state = await router.read();
        const page = await selectAlerts(state, query, now, ctx.signal);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (page.next) {
          const next = new URLSearchParams(url.searchParams);
          next.set('after', page.next);
          headers.link = `<${url.pathname}?${next}>; rel="next"`;
        }
        return new Response(alertListingStream(state, page, now, ctx.signal), { status: 200, headers });
      },
    },
    {
      method: 'GET',
      path: '/api/v2/alerts/groups',
      async handle({ url, now }) {
        const query = parseGroupQuery(url.searchParams);
        const groups = listAlertGroups(await router.read(), (await router.routing()).config, query, now);
        return new Response(alertGroupsStream(groups), { headers: { 'content-type': 'application/json' } });
      },
    },
    { method: 'POST', path: '/api/v2/alerts', handle: ingest(true) },
    { method: 'POST', path: '/', handle: ingest(false) },
  ];
}

/** matchRoute finds the route table's row for a method and path, with the path's captures. */
export function matchRoute(
  routes: ApiRoute[],
  method: string,
  path: string,
): { route: ApiRoute; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    if (typeof route.path === 'string') {
      if (route.path === path) return { route, params: [] };
      continue;
    }
    const m = route.path.exec(path);
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}

/** createRouterApi serves the route table: the routing is loaded first (a bad one fails every request alike). */
export function createRouterApi(router: AlertRouter, ackKey: () => string | undefined = () => undefined): Handler {
  const routes = routerRoutes(router, ackKey);
  const handler: Handler = async (req, ctx) => {
    const url = new URL(req.url);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const now = ctx.nowMs();
    await router.routing();
    const found = matchRoute(routes, req.method, path);
    if (!found) throw opsError('NOT_FOUND', `no route for ${req.method} ${path}`);
    return found.route.handle({ req, url, ctx, params: found.params, now });
  };
  handler.settle = () => router.settle();
  return handler;
}
