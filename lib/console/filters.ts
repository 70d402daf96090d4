import { MatcherError, parseMatchers, type Matcher } from '#lib/alerting/config/index.ts';

/** SUBSYSTEMS are the ground segment's subsystems, in the order the filter offers them. */
export const SUBSYSTEMS = ['STS', 'DUTCH', 'CGCU', 'EGM', 'OMGS', 'FOS/ARPE', 'CCS'] as const;
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
const KNOWN_PARAMS = new Set(['subsystem', 'severity', 'q', 'silenced', 'view']);

/** Filters are the alert panel's filters, all kept in the page's URL so a view can be shared. */
export interface Filters {
  subsystems: string[];
  severities: string[];
  /** q is the free matcher text as typed (`alertname="X", host=~"ftp.*"`); matchers its parsed form. */
  q: string;
  matchers: Matcher[];
  showSilenced: boolean;
  wall: boolean;
}

/** FilterProblem names a query parameter that was ignored and why. */
export interface FilterProblem {
  field: string;
  reason: string;
}

/** parseFilters reads the filters from a query string; what it cannot use is dropped and reported, never thrown. */
export function parseFilters(params: URLSearchParams): { filters: Filters; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  for (const name of new Set(params.keys()))
    if (!KNOWN_PARAMS.has(name))
      problems.push({
        field: name,
        reason: `unknown filter "${name}" (filters: subsystem, severity, q, silenced, view)`,
      });
  const pick = (name: string, allowed: readonly string[]): string[] =>
    params
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .filter((v) => {
        if (allowed.includes(v)) return true;
        problems.push({ field: name, reason: `unknown ${name} "${v.slice(0, 60)}" (one of ${allowed.join(', ')})` });
        return false;
      });
  const subsystems = [...new Set(pick('subsystem', SUBSYSTEMS))];
  const severities = [...new Set(pick('severity', SEVERITIES))];
  const q = (params.get('q') ?? '').trim().slice(0, 1000);
  let matchers: Matcher[] = [];
  if (q !== '') {
    try {
      matchers = parseMatchers(q);
    } catch (err) {
      if (!(err instanceof MatcherError)) throw err;
      problems.push({
        field: 'q',
        reason: `label matchers not understood: ${err.message} (example: alertname="ChecksumMismatch", host=~"ftp.*")`,
      });
    }
  }
  const silenced = params.get('silenced');
  if (silenced !== null && silenced !== 'show' && silenced !== 'hide')
    problems.push({ field: 'silenced', reason: 'silenced is "show" or "hide"' });
  const view = params.get('view');
  if (view !== null && view !== 'wall' && view !== '')
    problems.push({ field: 'view', reason: 'view is "wall" or absent' });
  return {
    filters: { subsystems, severities, q, matchers, showSilenced: silenced === 'show', wall: view === 'wall' },
    problems,
  };
}

/** filterQuery prints filters back as a query string (stable order), for links, forms and redirects. */
export function filterQuery(f: Filters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const s of f.subsystems) p.append('subsystem', s);
  for (const s of f.severities) p.append('severity', s);
  if (f.q) p.set('q', f.q);
  if (f.showSilenced) p.set('silenced', 'show');
  if (f.wall) p.set('view', 'wall');
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const text = p.toString();
  return text ? `?${text}` : '';
}
