import { MatcherError, parseDuration, parseMatcher } from '#lib/alerting/config/index.ts';
import type { RouterSilence } from './sources.ts';

/** SilenceRequest is a silence ready for alert-router's POST /api/v2/silences. */
export interface SilenceRequest {
  matchers: RouterSilence['matchers'];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/**
 * parseSilenceForm validates the silence form: one matcher per line (Alertmanager's syntax), a duration no longer
 * than `maxMs`, a comment; the author is the logged-in operator, never a form field. Returns every problem at once.
 */
export function parseSilenceForm(
  form: URLSearchParams,
  options: { author: string; now: number; maxMs: number },
): { silence: SilenceRequest } | { problems: string[] } {
  const problems: string[] = [];
  const matchers: SilenceRequest['matchers'] = [];
  const lines = (form.get('matchers') ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) problems.push('matchers: at least one matcher is needed, e.g. alertname="ChecksumMismatch"');
  if (lines.length > 50) problems.push('matchers: at most 50 matchers');
  for (const [i, line] of lines.slice(0, 50).entries()) {
    try {
      const m = parseMatcher(line);
      matchers.push({
        name: m.name,
        value: m.value,
        isRegex: m.type === '=~' || m.type === '!~',
        isEqual: m.type === '=' || m.type === '=~',
      });
    } catch (err) {
      if (!(err instanceof MatcherError)) throw err;
      problems.push(`matchers line ${i + 1} (${line.slice(0, 80)}): ${err.message}`);
    }
  }
  if (matchers.length > 0 && matchers.every((m) => m.isEqual && !m.isRegex && m.value === ''))
    problems.push('matchers: a silence whose matchers all match the empty value would silence every alert');
  const durationText = (form.get('duration') ?? '').trim();
  const duration = parseDuration(durationText);
  if (duration === undefined || duration <= 0)
    problems.push(`duration: "${durationText.slice(0, 40)}" is not a duration (30m, 2h, 1d)`);
  else if (duration > options.maxMs)
    problems.push(`duration: ${durationText} is longer than the maximum of ${Math.round(options.maxMs / 3_600_000)} h`);
  const comment = (form.get('comment') ?? '').trim();
  if (comment === '') problems.push('comment: say why (and the ticket), so the next shift knows');
  if (comment.length > 1000) problems.push('comment: at most 1000 characters');
  if (problems.length > 0) return { problems };
  return {
    silence: {
      matchers,
      startsAt: new Date(options.now).toISOString(),
      endsAt: new Date(options.now + duration!).toISOString(),
      createdBy: options.author,
      comment,
    },
  };
}

/** matcherLines prefills the form from an alert's labels, one `name="value"` per line. */
export function matcherLines(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)))
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join('\n');
}
