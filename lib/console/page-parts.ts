import { bytes, html, severityBadge, type Html, type TimeFormat } from './html.ts';
import type {
  AlertsPanel,
  BackupsPanel,
  DeliveriesPanel,
  FtpPanel,
  GroupView,
  InstallationPanel,
  OnCallPanel,
  Panel,
} from './overview.ts';

/** PageContext is what panels need besides their data: the clock, who looks, and how forms are built. */
export interface PageContext {
  t: TimeFormat;
  user: string;
  /** actions are shown only to operators on the desk view (not read-only users, not the wall). */
  actions: boolean;
  csrf: string;
  /** the current filters as a query string (`?subsystem=DUTCH`), carried through actions and links. */
  query: string;
}

const LABEL_ORDER = ['alertname', 'severity', 'subsystem'];

function labelList(labels: Record<string, string>, skip: string[] = []): Html {
  const names = Object.keys(labels)
    .filter((n) => !skip.includes(n))
    .sort((a, b) => (LABEL_ORDER.indexOf(a) + 1 || 99) - (LABEL_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
  return html`${names.map((n) => html`<span class="label"><span class="ln">${n}</span>=<span class="lv">${labels[n]!}</span></span> `)}`;
}

/** panelShell wraps a panel's body with its heading, "data as of", and the stale or error banner. */
export function panelShell<T>(
  id: string,
  title: string,
  p: Panel<T>,
  ctx: PageContext,
  body: (data: T) => Html,
  source: string,
): Html {
  const asOf = p.asOf ? html`data as of ${ctx.t.time(p.asOf)}` : html`no data yet`;
  const banner =
    p.stale || p.error
      ? html`<p class="banner ${p.stale ? 'stale' : 'warn'}"><span aria-hidden="true">⚠</span> ${p.stale ? html`<strong>Stale:</strong> ${p.asOf ? html`last data from ${source} is ${ctx.t.ago(p.asOf)}, older than ${p.staleAfterMinutes} min. ` : html`${source} has not answered yet. `}` : html`<strong>Not refreshed:</strong> `}${p.error ? html`<span class="err">${p.error}</span>` : ''}</p>`
      : '';
  return html`<section class="panel" id="panel-${id}" aria-labelledby="h-${id}">
<div class="ph"><h2 id="h-${id}">${title}</h2><p class="asof">${asOf}</p></div>
${banner}<div class="pb" id="pb-${id}" tabindex="0" aria-labelledby="h-${id}">${p.data === null ? html`<p class="empty">${p.error ? 'No data could be read yet.' : `Nothing recorded by ${source} yet.`}</p>` : body(p.data)}</div>
</section>`;
}

function escalationLine(g: GroupView, ctx: PageContext, id: string): Html {
  const e = g.escalation;
  if (!e) return html``;
  if (e.ack) {
    return html`<p class="esc acked"><span aria-hidden="true">✔</span> Acknowledged by <strong>${e.ack.by}</strong> at ${ctx.t.time(e.ack.at)}${e.ack.note ? html` — “${e.ack.note}”` : ''} — escalation stopped at step ${e.step} of ${e.steps}${e.notified.length ? html` (notified ${e.notified.join(', ')})` : ''}.</p>`;
  }
  const state = e.stopped
    ? html`escalation finished after ${e.notified.length} notification(s)`
    : html`escalating (${e.policy}): step ${e.step} of ${e.steps}${e.round ? `, round ${e.round + 1}` : ''}${e.notified.length ? html`, notified ${e.notified.join(', ')}` : ''}${e.next ? html`; next: ${e.next} ${ctx.t.time(e.nextAt)}` : ''}`;
  const ack =
    ctx.actions && !e.stopped
      ? html`<form method="post" action="ack" class="inline" data-inline="ack"><input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="group" value="${g.key}"><input type="hidden" name="return" value="${ctx.query}"><button type="submit" id="ack-${id}" class="act primary">Acknowledge</button></form>`
      : '';
  return html`<div class="esc live"><p><strong>Not acknowledged</strong> — ${state}.</p>${ack}</div>`;
}

/** alertsBody lists the groups as alert-router groups them, worst first, with acknowledgements and silences. */
export function alertsBody(a: AlertsPanel, ctx: PageContext): Html {
  const counts = html`<p class="counts"><strong>${a.matching}</strong> shown of ${a.active} active · ${severityBadge('critical')} ${a.bySeverity.critical ?? 0} · ${severityBadge('warning')} ${a.bySeverity.warning ?? 0} · ${severityBadge('info')} ${a.bySeverity.info ?? 0}${a.hiddenSilenced ? html` · ${a.hiddenSilenced} silenced or inhibited hidden` : ''}</p>`;
  const notes = a.notes.length
    ? html`<p class="banner warn"><span aria-hidden="true">ℹ</span> ${a.notes.join('; ')}</p>`
    : '';
  const groups = a.groups.map((g, gi) => {
    const id = `g${gi}`;
    return html`<article class="group g-${g.severity}" aria-labelledby="${id}-h">
<h3 id="${id}-h">${severityBadge(g.severity)} <span class="gl">${Object.keys(g.labels).length ? labelList(g.labels) : 'all alerts'}</span> <span class="muted">→ ${g.receiver} · ${g.alertCount} alert${g.alertCount === 1 ? '' : 's'}</span></h3>
${escalationLine(g, ctx, id)}<ul class="alerts">${g.alerts.map(
      (al, ai) => html`<li class="alert">
<div class="arow">${severityBadge(al.severity)} <strong>${al.alertname}</strong> <span class="sub">${al.subsystem || '—'}</span> <span class="since">since ${ctx.t.time(al.startsAt)} <span class="muted">(${ctx.t.ago(al.startsAt)})</span></span>${al.silencedBy.length ? html` <span class="tag">🔇 silenced</span>` : ''}${al.inhibitedBy ? html` <span class="tag">inhibited</span>` : ''}</div>
<p class="sum">${al.summary}</p>
<details><summary>labels</summary><p>${labelList(al.labels)}</p></details>
${ctx.actions ? html`<a class="act" id="sil-${id}-${ai}" href="silence-new${ctx.query ? `${ctx.query}&` : '?'}fp=${al.fingerprint}">Silence…</a>` : ''}
</li>`,
    )}</ul>${g.alertCount > g.alerts.length ? html`<p class="muted more">and ${g.alertCount - g.alerts.length} more in this group</p>` : ''}
</article>`;
  });
  const more =
    a.groupCount > a.groups.length
      ? html`<p class="muted more">${a.groupCount - a.groups.length} more groups: narrow the filters to see them.</p>`
      : '';
  const silences = a.silences.length
    ? html`<h3 class="sh">Silences</h3><table class="t"><thead><tr><th scope="col">Matchers</th><th scope="col">By</th><th scope="col">Comment</th><th scope="col">Ends</th>${ctx.actions ? html`<th scope="col"><span class="vh">Action</span></th>` : ''}</tr></thead><tbody>${a.silences.map((s) => html`<tr><td><code>${s.matchers}</code>${s.state === 'pending' ? ' (pending)' : ''}</td><td>${s.createdBy}</td><td>${s.comment}</td><td>${ctx.t.time(s.endsAt)}</td>${ctx.actions ? html`<td><form method="post" action="expire" class="inline" data-inline="expire"><input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="silence" value="${s.id}"><input type="hidden" name="return" value="${ctx.query}"><button type="submit" class="act" id="exp-${s.id}">Expire<span class="vh"> silence ${s.matchers}</span></button></form></td>` : ''}</tr>`)}</tbody></table>`
    : '';
  return html`${counts}${notes}${a.groups.length === 0 ? html`<p class="empty ok"><span aria-hidden="true">✔</span> No firing alert${a.active ? ' matches the filters' : ''}.</p>` : groups}${more}${silences}`;
}

/** onCallBody shows who is on call now and next, and today's holiday. */
export function onCallBody(o: OnCallPanel, ctx: PageContext): Html {
  if (o.schedules.length === 0)
    return html`<p class="empty">No on-call schedule in the routing (${o.routing}): add <code>cmp_ops.schedules</code>.</p>`;
  return html`${o.schedules.map((s) => html`<dl class="oncall"><div><dt>Primary</dt><dd><strong>${s.primary}</strong></dd></div><div><dt>Secondary</dt><dd>${s.secondary ?? '—'}</dd></div><div><dt>Handover</dt><dd>${ctx.t.time(s.handoverAt)} <span class="muted">(${ctx.t.ago(s.handoverAt)})</span> → ${s.nextPrimary ?? '—'}${s.nextSecondary ? html`, ${s.nextSecondary}` : ''}</dd></div></dl><p class="muted">schedule ${s.name} · ${s.zone} · layer ${s.layer}</p>`)}${o.holiday ? html`<p class="holiday"><span aria-hidden="true">★</span> Holiday today: ${o.holiday}</p>` : ''}`;
}

/** deliveriesBody shows objects waiting for their checksum, mismatches and quarantine of the last 24 h, and the last sweep. */
export function deliveriesBody(d: DeliveriesPanel, ctx: PageContext): Html {
  return html`<p class="counts"><strong>${d.pendingCount}</strong> waiting for a checksum${d.overdueCount ? html` · <span class="sev sev-warning"><span aria-hidden="true">◆</span> ${d.overdueCount} past deadline</span>` : ''} · ${d.mismatches.length} mismatch(es) · ${d.quarantinedCount} quarantined (24 h)</p>
${d.mismatches.length ? html`<h3 class="sh">Mismatches (24 h)</h3><ul class="rows">${d.mismatches.map((m) => html`<li>${severityBadge('critical')} <code>${m.bucket}/${m.key}</code> <span class="muted">${ctx.t.time(m.at)} · ${m.algorithm} expected ${m.expected.slice(0, 12)}… got ${m.actual.slice(0, 12)}…</span></li>`)}</ul>` : ''}
${d.pending.length ? html`<h3 class="sh">Waiting for checksum</h3><ul class="rows">${d.pending.map((p) => html`<li>${p.overdue ? severityBadge('warning') : ''} <code>${p.bucket}/${p.key}</code> <span class="muted">since ${ctx.t.time(p.since)} (${ctx.t.ago(p.since)}), deadline ${ctx.t.time(p.deadline)}</span></li>`)}</ul>` : ''}
${d.quarantined.length ? html`<h3 class="sh">Quarantined (24 h)</h3><ul class="rows">${d.quarantined.map((q) => html`<li><code>${q.key}</code> <span class="muted">${bytes(q.size)} · ${ctx.t.time(q.at)}</span></li>`)}</ul>` : ''}
<h3 class="sh">Integrity sweep</h3>${
    d.sweep
      ? html`<p>Last: ${ctx.t.time(d.sweep.finishedAt)} · ${d.sweep.objects} objects, ${bytes(d.sweep.bytes)} · ${
          d.sweep.findings
            ? html`<strong>${d.sweep.findings} finding(s)</strong> (${Object.entries(d.sweep.counts)
                .filter(([, n]) => n > 0)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')})`
            : 'no findings'
        }</p>`
      : html`<p class="muted">No sweep has completed yet.</p>`
  }${d.sweepInProgress ? html`<p class="muted">A sweep is running since ${ctx.t.time(d.sweepInProgress.startedAt)} (${d.sweepInProgress.objects} objects so far).</p>` : ''}`;
}

/** backupsBody lists policy/client pairs, those past their expectation window first. */
export function backupsBody(b: BackupsPanel, ctx: PageContext): Html {
  if (b.clients === 0) return html`<p class="empty">No backup job recorded yet.</p>`;
  return html`<p class="counts"><strong>${b.pastWindow}</strong> of ${b.clients} past their window <span class="muted">(NetBackup data lags: the age counts from the last report read)</span></p>
<table class="t"><thead><tr><th scope="col">Client / policy</th><th scope="col">Last success</th><th scope="col">Last failure</th></tr></thead><tbody>${b.rows.map((r) => html`<tr class="${r.pastWindow ? 'late' : ''}"><td>${r.pastWindow ? severityBadge('warning') : html`<span class="sev sev-ok"><span aria-hidden="true">✔</span> ok</span>`} <strong>${r.client}</strong><br><span class="muted">${r.policy} · ${r.schedule}</span></td><td>${ctx.t.time(r.lastSuccess)}${r.ageHours !== null ? html`<br><span class="muted">${r.ageHours} h of ${r.expectedHours} h</span>` : html`<br><span class="muted">none within ${r.expectedHours} h</span>`}</td><td>${r.lastFailure ? html`${ctx.t.time(r.lastFailure)}<br><span class="muted">${r.status ?? ''}</span>` : '—'}</td></tr>`)}</tbody></table>${b.clients > b.rows.length ? html`<p class="muted more">${b.clients - b.rows.length} more (all within their window)</p>` : ''}`;
}

const FTP_TITLES = {
  burst: 'failed-login burst',
  incomplete: 'incomplete transfer',
  'zero-byte': 'zero-byte upload',
  'not-landed': 'upload not in the store',
} as const;

/** ftpBody shows the last 24 h of FTP findings and the uploads still waiting to be reconciled. */
export function ftpBody(f: FtpPanel, ctx: PageContext): Html {
  return html`<p class="counts">${f.counts.burst} login burst(s) · ${f.counts.incomplete} incomplete · ${f.counts['zero-byte']} zero-byte · ${f.counts['not-landed']} not landed · ${f.waiting} upload(s) awaiting reconciliation${f.servers.length ? html` <span class="muted">(${f.servers.join(', ')})</span>` : ''}</p>
${f.findings.length ? html`<ul class="rows">${f.findings.map((x) => html`<li>${severityBadge(x.severity)} ${FTP_TITLES[x.kind]} <span class="muted">${x.server} · ${ctx.t.time(x.at)}${x.resolved ? ' · resolved' : ''}</span><br>${x.summary}</li>`)}</ul>` : html`<p class="empty ok"><span aria-hidden="true">✔</span> No FTP finding in the last 24 h.</p>`}`;
}

/** installationBody shows unhealthy nodes and workloads, and images that differ from the approved release. */
export function installationBody(i: InstallationPanel, ctx: PageContext): Html {
  const rows = (list: InstallationPanel['unhealthy']) =>
    html`<ul class="rows">${list.map((r) => html`<li>${severityBadge(r.severity)} ${r.kind} <strong>${r.what}</strong> <span class="muted">${r.subsystem} · since ${ctx.t.time(r.since)}${r.firing ? '' : ' · not yet alerting'}</span><br>${r.summary}</li>`)}</ul>`;
  return html`<p class="muted">Last check ${ctx.t.time(i.lastRunAt)}</p>
<h3 class="sh">Nodes and workloads</h3>${i.unhealthy.length ? rows(i.unhealthy) : html`<p class="empty ok"><span aria-hidden="true">✔</span> All healthy.</p>`}
<h3 class="sh">Images vs approved release</h3>${i.images.length ? rows(i.images) : html`<p class="empty ok"><span aria-hidden="true">✔</span> Every image is the approved one.</p>`}`;
}
