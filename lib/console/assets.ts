// The console's stylesheet and script, served from the function itself at relative URLs (no CDN, no framework):
// the page works without the script; the script adds the 30 s refresh with its pause control and inline actions.

/** CONSOLE_CSS: light and dark (prefers-color-scheme), fixed panel heights so a refresh never moves the layout. */
export const CONSOLE_CSS = `
:root{--bg:#f4f5f7;--panel:#fff;--fg:#1b1f24;--muted:#545d68;--line:#d0d7de;--crit:#b3261e;--warn:#8a5300;--info:#0b57d0;--ok:#1a7f37;--acc:#0b57d0;--banner:#fff4d6;--okbg:#e6f4ea;--code:#eef1f4;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;font-size:15px;line-height:1.35;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--panel:#171b21;--fg:#e6e9ee;--muted:#a3adb8;--line:#2f3742;--crit:#ff8a80;--warn:#ffcc66;--info:#8ab4f8;--ok:#7ee2a8;--acc:#8ab4f8;--banner:#3a2f12;--okbg:#14301f;--code:#232a33}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg)}
a{color:var(--acc)}
:focus-visible{outline:3px solid var(--acc);outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:.5rem;top:.5rem;background:var(--panel);padding:.4rem;z-index:9}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.muted{color:var(--muted)}
code{background:var(--code);padding:0 .2em;border-radius:3px;font-size:.92em;word-break:break-all}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between;padding:.4rem 1rem;background:var(--panel);border-bottom:1px solid var(--line);min-height:3.2rem}
.top h1{font-size:1.15rem;margin:0}.top .brand p{margin:0;font-size:.85rem;min-height:1.1em}
.refresh{display:flex;gap:.6rem;align-items:center}
#status{display:inline-block;min-width:16rem;font-size:.85rem;color:var(--muted)}
[hidden]{display:none!important}
button,.act{font:inherit;padding:.2rem .6rem;border:1px solid var(--line);border-radius:4px;background:var(--panel);color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block}
button.primary{background:var(--acc);color:var(--panel);border-color:var(--acc);font-weight:600}
#pause[aria-pressed=true]{background:var(--banner)}
form.inline{display:inline}
.filters{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center;padding:.35rem 1rem;border-bottom:1px solid var(--line);font-size:.88rem}
.filters fieldset{border:0;margin:0;padding:0;display:flex;gap:.4rem;align-items:center}
.filters legend{float:left;font-weight:600;margin-right:.3rem}
.filters input[type=text]{font:inherit;width:18rem;padding:.15rem .3rem;border:1px solid var(--line);background:var(--panel);color:var(--fg)}
.chk{white-space:nowrap}
.banner{margin:.4rem 1rem;padding:.35rem .6rem;border-radius:4px;background:var(--banner);border-left:4px solid var(--warn)}
.banner p,.banner ul{margin:.1rem 0}.banner.ok{background:var(--okbg);border-left-color:var(--ok)}
.panel .banner{margin:.3rem .5rem}
.panels{display:grid;gap:.6rem;padding:.6rem 1rem;grid-template-columns:minmax(0,1.45fr) minmax(0,1fr) minmax(0,1fr);grid-template-rows:minmax(0,.62fr) minmax(0,1fr) minmax(0,1fr);height:calc(100vh - 7.4rem);min-height:34rem}
.wall .panels{height:calc(100vh - 3.6rem)}
#panel-alerts{grid-column:1;grid-row:1/4}#panel-oncall{grid-column:2;grid-row:1}#panel-deliveries{grid-column:2;grid-row:2}
#panel-backups{grid-column:3;grid-row:1/3}#panel-ftp{grid-column:3;grid-row:3}#panel-installation{grid-column:2;grid-row:3}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:6px;display:flex;flex-direction:column;min-height:0;overflow:hidden}
.ph{display:flex;justify-content:space-between;align-items:baseline;padding:.3rem .6rem;border-bottom:1px solid var(--line)}
.ph h2{font-size:1rem;margin:0}.asof{margin:0;font-size:.8rem;color:var(--muted)}
.pb{overflow:auto;padding:.3rem .6rem;flex:1;min-height:0}
.counts{margin:.2rem 0 .4rem}
.sev{font-weight:600;white-space:nowrap}.sev-critical{color:var(--crit)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}.sev-ok{color:var(--ok)}
.group{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:4px;margin:.4rem 0;padding:.3rem .5rem}
.group.g-critical{border-left-color:var(--crit)}.group.g-warning{border-left-color:var(--warn)}
.group h3{font-size:.92rem;margin:.1rem 0;font-weight:500;color:var(--fg)}
.label{white-space:nowrap;font-size:.85rem}.ln{color:var(--muted)}
.esc{margin:.25rem 0;font-size:.88rem}.esc.live{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}.esc p{margin:0}
.esc.acked{color:var(--ok);font-weight:600}
.alerts{list-style:none;margin:0;padding:0}.alert{border-top:1px dashed var(--line);padding:.25rem 0}
.alert .sum{margin:.1rem 0}.alert details{font-size:.82rem;display:inline-block;margin-right:.6rem}
.sub{font-weight:600}.since{font-size:.85rem}.tag{font-size:.8rem;border:1px solid var(--line);border-radius:3px;padding:0 .25rem}
.sh{font-size:.9rem;margin:.6rem 0 .2rem}
.rows{list-style:none;margin:0;padding:0}.rows li{padding:.2rem 0;border-top:1px dashed var(--line);font-size:.88rem}
.t{border-collapse:collapse;width:100%;font-size:.85rem}.t th,.t td{text-align:left;padding:.2rem .3rem;border-bottom:1px solid var(--line);vertical-align:top}
.t tr.late td:first-child{border-left:4px solid var(--warn)}
.oncall{display:grid;grid-template-columns:auto auto;gap:.1rem 1rem;margin:.2rem 0}.oncall div{display:contents}.oncall dt{color:var(--muted)}.oncall dd{margin:0}
.empty{color:var(--muted)}.empty.ok{color:var(--ok)}
.more{font-size:.85rem}
.login{max-width:26rem;margin:3rem auto;padding:0 1rem}.login.wide{max-width:44rem}
.card{display:flex;flex-direction:column;gap:.7rem;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:1rem}
.card label{display:flex;flex-direction:column;gap:.2rem;font-weight:600}
.card input,.card textarea{font:inherit;font-weight:400;padding:.3rem;border:1px solid var(--muted);border-radius:4px;background:var(--panel);color:var(--fg)}
.card button{align-self:flex-start;padding:.35rem 1rem}
.wall{font-size:19px}.wall .filters{display:none}
@media (max-width:1000px){.panels{display:block;height:auto}.panel{height:26rem;margin-bottom:.6rem}#panel-alerts{height:40rem}}
@media (min-width:2200px){:root{font-size:18px}}
`;

/** CONSOLE_JS: refresh every N s (pause kept for the tab), panels swapped in place, focus and scroll kept, actions inline. */
export const CONSOLE_JS = `(() => {
  'use strict';
  const box = document.querySelector('.refresh');
  const pause = document.getElementById('pause');
  const status = document.getElementById('status');
  if (!box || !pause || !status) return;
  const seconds = Number(box.dataset.refreshSeconds) || 30;
  let paused = sessionStorage.getItem('cmp-console-paused') === '1';
  let timer;
  let busy = false;
  const say = (text) => { status.textContent = text; };
  const schedule = () => { clearTimeout(timer); if (!paused) timer = setTimeout(() => refresh(''), seconds * 1000); };
  const setPaused = (value) => {
    paused = value;
    sessionStorage.setItem('cmp-console-paused', value ? '1' : '0');
    pause.setAttribute('aria-pressed', String(value));
    pause.textContent = value ? 'Resume auto-refresh' : 'Pause auto-refresh';
    schedule();
  };
  const swap = (doc) => {
    const active = document.activeElement;
    const activeId = active && active.id;
    let lostIn = null;
    for (const fresh of doc.querySelectorAll('section.panel')) {
      const old = document.getElementById(fresh.id);
      if (!old) continue;
      // a panel where the operator is typing or has a detail open stays as it is until the next refresh
      if (old.contains(active) && active.matches('input, textarea, select')) continue;
      const body = old.querySelector('.pb');
      const scroll = body ? body.scrollTop : 0;
      const open = new Set([...old.querySelectorAll('details[open]')].map((d) => d.closest('[id]') && d.closest('[id]').id));
      const node = document.importNode(fresh, true);
      if (active && old.contains(active)) lostIn = node;
      old.replaceWith(node);
      const nb = node.querySelector('.pb');
      if (nb) nb.scrollTop = scroll;
      for (const d of node.querySelectorAll('details')) { const holder = d.closest('[id]'); if (holder && open.has(holder.id)) d.open = true; }
    }
    for (const id of ['problems', 'flash']) { const el = document.getElementById(id); if (el) el.remove(); }
    const brand = doc.querySelector('.brand p');
    const here = document.querySelector('.brand p');
    if (brand && here) here.innerHTML = brand.innerHTML;
    document.title = doc.title;
    if (activeId && document.getElementById(activeId)) {
      const again = document.getElementById(activeId);
      if (again !== document.activeElement) again.focus({ preventScroll: true });
    } else if (lostIn) {
      const heading = lostIn.querySelector('h2');
      if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: true }); }
    }
  };
  const refresh = async (message) => {
    if (busy) return;
    busy = true;
    try {
      const res = await fetch(location.href, { headers: { 'x-console-refresh': '1' }, credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 401 || (res.redirected && /\\/login(\\?|$)/.test(res.url))) {
        say('Session expired: reload the page to log in again.');
        clearTimeout(timer);
        return;
      }
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      swap(doc);
      const fresh = doc.getElementById('status');
      say((message ? message + ' — ' : '') + 'Updated: ' + (fresh ? fresh.textContent.replace('Loaded ', '') : ''));
    } catch (err) {
      say('Refresh failed (' + err.message + '): showing the last data.');
    } finally {
      busy = false;
      schedule();
    }
  };
  pause.hidden = false;
  pause.addEventListener('click', () => setPaused(!paused));
  const now = document.getElementById('refresh-now');
  if (now) now.addEventListener('click', (ev) => { ev.preventDefault(); refresh('Refreshed'); });
  document.addEventListener('submit', async (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.matches('form[data-inline]')) return;
    ev.preventDefault();
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      const res = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers: { 'x-console-inline': '1' }, credentials: 'same-origin' });
      const data = await res.json().catch(() => ({}));
      await refresh(res.ok ? (data.message || 'Done') : 'Not done: ' + ((data.error && data.error.message) || 'HTTP ' + res.status));
    } catch (err) {
      say('Not done: ' + err.message);
      if (button) button.disabled = false;
    }
  });
  setPaused(paused);
})();
`;
