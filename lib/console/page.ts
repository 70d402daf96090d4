import { SEVERITIES, SUBSYSTEMS, filterQuery, type Filters } from './filters.ts';
import { Html, html, severityBadge } from './html.ts';
import type { Overview } from './overview.ts';
import {
  alertsBody,
  backupsBody,
  deliveriesBody,
  ftpBody,
  installationBody,
  onCallBody,
  panelShell,
  type PageContext,
} from './page-parts.ts';

/** layout is the document around every console page: relative asset URLs only, so it works under any path prefix. */
export function layout(title: string, body: Html, options: { wall?: boolean; refresh?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,"><title>${title}</title><link rel="stylesheet" href="assets/console.css">
${options.refresh ? html`<script src="assets/console.js" defer></script>` : ''}</head>
<body class="${options.wall ? 'wall' : 'desk'}">${body}</body></html>`.text;
}

function filterForm(f: Filters): Html {
  const box = (name: string, value: string, checked: boolean, label: string) =>
    html`<label class="chk"><input type="checkbox" name="${name}" value="${value}"${checked ? html` checked` : ''}> ${label}</label>`;
  return html`<form method="get" action="./" class="filters" aria-label="Alert filters">
<fieldset><legend>Subsystem</legend>${SUBSYSTEMS.map((s) => box('subsystem', s, f.subsystems.includes(s), s))}</fieldset>
<fieldset><legend>Severity</legend>${SEVERITIES.map((s) => box('severity', s, f.severities.includes(s), s))}</fieldset>
<label class="q">Label matchers <input type="text" name="q" value="${f.q}" placeholder='alertname="ChecksumMismatch"' spellcheck="false" autocomplete="off"></label>
${box('silenced', 'show', f.showSilenced, 'show silenced')}
<button type="submit" id="apply">Apply</button> <a href="./" id="clear">Clear</a> <a href="${filterQuery({ ...f, wall: true }) || '?view=wall'}" id="wall-link">Wall view</a>
</form>`;
}

/** PageOptions say who looks at the page and what was just done. */
export interface PageOptions {
  t: PageContext['t'];
  user: string;
  readOnlyUser: boolean;
  /** actions: the user may act (operators; read-only users and the wall view never show forms). */
  actions: boolean;
  csrf: string;
  filters: Filters;
  flash?: { kind: 'ok' | 'error'; text: string };
  refreshSeconds: number;
}

const BODY_MARK = '\u0000body\u0000';

/**
 * renderPageParts draws the console (header with refresh control, filters, the six panels) a piece at a time — the head, then each panel as the response stream asks
 * for it — so the page is sent while it is drawn and never held whole beside its compressed copy.
 */
export function* renderPageParts(o: Overview, p: PageOptions): Generator<string> {
  const ctx: PageContext = {
    t: p.t,
    user: p.user,
    actions: p.actions && !p.filters.wall,
    csrf: p.csrf,
    query: filterQuery(p.filters),
  };
  const problems = o.problems.length
    ? html`<div class="banner warn" id="problems"><p><strong>Some filters were ignored:</strong></p><ul>${o.problems.map((x) => html`<li><code>${x.field}</code>: ${x.reason}</li>`)}</ul></div>`
    : '';
  const flash = p.flash
    ? html`<p class="banner ${p.flash.kind === 'ok' ? 'ok' : 'warn'}" id="flash">${p.flash.kind === 'ok' ? html`<span aria-hidden="true">✔</span> ` : html`<span aria-hidden="true">⚠</span> `}${p.flash.text}</p>`
    : '';
  const critical = o.alerts.data?.bySeverity.critical ?? 0;
  const [head, tail] = layout(`${critical ? `(${critical}) ` : ''}Operations console`, new Html(BODY_MARK), {
    wall: p.filters.wall,
    refresh: true,
  }).split(BODY_MARK) as [string, string];
  yield head +
    html`<a class="skip" href="#panels">Skip to panels</a>
<header class="top"><div class="brand"><h1>Ground segment operations</h1><p class="muted">${o.alerts.data ? html`${critical ? severityBadge('critical') : ''} ${o.alerts.data.matching} alert(s) shown` : ''}</p></div>
<div class="refresh" data-refresh-seconds="${p.refreshSeconds}"><button type="button" id="pause" aria-pressed="false" hidden>Pause auto-refresh</button> <a href="${ctx.query || './'}" id="refresh-now">Refresh</a>
<span id="status" role="status" aria-live="polite">Loaded ${p.t.clock(p.t.now)}</span></div>
<div class="who">${p.user}${p.readOnlyUser ? ' (read-only)' : ''} <form method="post" action="logout" class="inline"><input type="hidden" name="csrf" value="${p.csrf}"><button type="submit" id="logout">Log out</button></form></div>
</header>
${p.filters.wall ? '' : filterForm(p.filters)}${problems}${flash}
<main id="panels" class="panels">
`.text;
  yield `${panelShell('alerts', 'Alerts', o.alerts, ctx, (d) => alertsBody(d, ctx), 'alert-router').text}\n`;
  yield `${panelShell('oncall', 'On call', o.oncall, ctx, (d) => onCallBody(d, ctx), 'alert-router').text}\n`;
  yield `${panelShell('deliveries', 'Deliveries', o.deliveries, ctx, (d) => deliveriesBody(d, ctx), 'checksum-verify').text}\n`;
  yield `${panelShell('backups', 'Backups', o.backups, ctx, (d) => backupsBody(d, ctx), 'netbackup-status').text}\n`;
  yield `${panelShell('ftp', 'FTP', o.ftp, ctx, (d) => ftpBody(d, ctx), 'ftp-audit').text}\n`;
  yield `${panelShell('installation', 'Installation', o.installation, ctx, (d) => installationBody(d, ctx), 'installation-watch').text}\n`;
  yield `</main>${tail}`;
}

/** renderLogin is the login form; `message` explains a refusal (wrong password, expired session, throttled). */
export function renderLogin(options: { csrf: string; user?: string; message?: string; next?: string }): string {
  return layout(
    'Log in — operations console',
    html`<main class="login"><h1>Ground segment operations</h1>
${options.message ? html`<p class="banner warn" role="alert"><span aria-hidden="true">⚠</span> ${options.message}</p>` : ''}
<form method="post" action="login" class="card"><input type="hidden" name="csrf" value="${options.csrf}">${options.next ? html`<input type="hidden" name="next" value="${options.next}">` : ''}
<label>User name <input type="text" name="user" autocomplete="username" required value="${options.user ?? ''}" autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit" id="login">Log in</button></form></main>`,
  );
}

/** renderMessage is a small page for a refused or failed request: what happened and a way back. */
export function renderMessage(title: string, message: string, back = './'): string {
  return layout(
    title,
    html`<main class="login"><h1>${title}</h1><p class="banner warn" role="alert"><span aria-hidden="true">⚠</span> ${message}</p><p><a href="${back}">Back to the console</a></p></main>`,
  );
}

/** SilenceFormValues are the fields of the silence form, prefilled from an alert or as posted. */
export interface SilenceFormValues {
  matchers: string;
  duration: string;
  comment: string;
  author: string;
  returnTo: string;
}

/** renderSilenceForm is the silence form, prefilled with an alert's labels; `problems` lists what was refused. */
export function renderSilenceForm(
  v: SilenceFormValues,
  options: { csrf: string; maxHours: number; problems?: string[]; alertName?: string },
): string {
  const durations = ['30m', '1h', '2h', '4h', '8h', '12h', '24h', '3d', '7d'];
  return layout(
    'New silence — operations console',
    html`<main class="login wide"><h1>Silence${options.alertName ? ` ${options.alertName}` : ''}</h1>
${options.problems?.length ? html`<div class="banner warn" role="alert"><p><strong>The silence was not created:</strong></p><ul>${options.problems.map((x) => html`<li>${x}</li>`)}</ul></div>` : ''}
<form method="post" action="silence" class="card"><input type="hidden" name="csrf" value="${options.csrf}"><input type="hidden" name="return" value="${v.returnTo}">
<label>Matchers, one per line (<code>name="value"</code>, <code>name=~"regex"</code>, <code>!=</code>, <code>!~</code>)<textarea name="matchers" rows="6" spellcheck="false" required>${v.matchers}</textarea></label>
<label>Duration (at most ${options.maxHours} h; 90m, 2h, 1d) <input type="text" name="duration" value="${v.duration}" list="durations" required></label>
<datalist id="durations">${durations.map((d) => html`<option value="${d}"></option>`)}</datalist>
<label>Comment (why, ticket) <textarea name="comment" rows="2" required>${v.comment}</textarea></label>
<p>Created by <strong>${v.author}</strong></p>
<button type="submit" id="create-silence">Create silence</button> <a href="./${v.returnTo}">Cancel</a></form></main>`,
  );
}
