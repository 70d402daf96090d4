import { DateTime } from 'luxon';

/** Html is markup already escaped; plain strings given to `html` are escaped, Html values are not. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** escapeHtml escapes text for element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function flat(part: Part): string {
  if (part === null || part === undefined || part === false || part === true) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) {
    let out = '';
    for (const p of part) out += flat(p);
    return out;
  }
  return escapeHtml(String(part));
}

/** html is the template tag of every page: interpolated values are escaped unless they are Html. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += flat(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** TimeFormat prints instants for the operators: HH:MM in the ground segment's zone, the date when not today. */
export class TimeFormat {
  readonly #today: string;
  constructor(
    readonly zone: string,
    readonly now: number,
  ) {
    this.#today = DateTime.fromMillis(now, { zone }).toISODate()!;
  }

  /** time is a `<time>` element showing HH:MM (with the date when not today), the ISO instant in its datetime. */
  time(isoOrMs: string | number | null | undefined): Html {
    if (isoOrMs === null || isoOrMs === undefined || isoOrMs === '') return html`<span class="muted">never</span>`;
    const ms = typeof isoOrMs === 'number' ? isoOrMs : Date.parse(isoOrMs);
    if (Number.isNaN(ms)) return html`<span class="muted">unknown</span>`;
    const local = DateTime.fromMillis(ms, { zone: this.zone });
    const label = local.toISODate() === this.#today ? local.toFormat('HH:mm') : local.toFormat('d LLL HH:mm');
    return html`<time datetime="${new Date(ms).toISOString()}">${label}</time>`;
  }

  /** ago is a compact age: `45 s`, `12 min`, `3 h 05`, `2 d 4 h`. */
  ago(isoOrMs: string | number | null | undefined): string {
    if (isoOrMs === null || isoOrMs === undefined || isoOrMs === '') return '';
    const ms = this.now - (typeof isoOrMs === 'number' ? isoOrMs : Date.parse(isoOrMs));
    if (Number.isNaN(ms)) return '';
    const abs = Math.abs(ms);
    const text =
      abs < 60_000
        ? `${Math.round(abs / 1000)} s`
        : abs < 3_600_000
          ? `${Math.floor(abs / 60_000)} min`
          : abs < 86_400_000
            ? `${Math.floor(abs / 3_600_000)} h ${String(Math.floor((abs % 3_600_000) / 60_000)).padStart(2, '0')}`
            : `${Math.floor(abs / 86_400_000)} d ${Math.floor((abs % 86_400_000) / 3_600_000)} h`;
    return ms < 0 ? `in ${text}` : `${text} ago`;
  }

  /** clock is HH:MM in the zone, for status lines. */
  clock(ms: number): string {
    return DateTime.fromMillis(ms, { zone: this.zone }).toFormat('HH:mm:ss');
  }
}

/** severityBadge shows a severity by icon, word and colour together (never colour alone). */
export function severityBadge(severity: string): Html {
  const icon = severity === 'critical' ? '▲' : severity === 'warning' ? '◆' : '●';
  const known = severity === 'critical' || severity === 'warning' ? severity : 'info';
  return html`<span class="sev sev-${known}"><span aria-hidden="true">${icon}</span> ${severity || 'info'}</span>`;
}

/** bytes prints a size in binary units. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
