/**
 * Alertmanager's classic matchers (pkg/labels/parse.go, the parser of 0.25): `name op value` with op `=`, `!=`,
 * `=~`, `!~`; several per string in `{a="b", c=~"d|e"}` form; values unquoted or double-quoted with `\"`, `\n` and
 * `\\` escapes. Regexes are RE2 and anchored at both ends. A missing label is the empty value.
 */
export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
  re?: RegExp;
}

export class MatcherError extends Error {}

const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;
// What RE2 refuses and JavaScript would accept: lookaround and backreferences.
const NOT_RE2 = /\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k</;

/** compileAnchored compiles an RE2-style regex anchored at both ends, or throws MatcherError as Go would. */
export function compileAnchored(value: string): RegExp {
  if (NOT_RE2.test(value))
    throw new MatcherError(`error parsing regexp: invalid or unsupported Perl syntax in ${JSON.stringify(value)}`);
  try {
    return new RegExp(`^(?:${value})$`, 's');
  } catch (err) {
    throw new MatcherError(`error parsing regexp: ${(err as Error).message}`);
  }
}

/** newMatcher builds a matcher, compiling the regex of `=~`/`!~`. */
export function newMatcher(type: MatchType, name: string, value: string): Matcher {
  const m: Matcher = { name, type, value };
  if (type === '=~' || type === '!~') m.re = compileAnchored(value);
  return m;
}

/** parseMatcher reads one `name op value`. */
export function parseMatcher(text: string): Matcher {
  const ms = MATCHER.exec(text);
  if (!ms) throw new MatcherError(`bad matcher format: ${text}`);
  let raw = ms[3]!;
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const r = chars[i]!;
    if (escaped) {
      escaped = false;
      value += r === 'n' ? '\n' : r === '"' || r === '\\' ? r : `\\${r}`;
      continue;
    }
    if (r === '\\') {
      if (i < chars.length - 1) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (r === '"') {
      if (!expectTrailingQuote || i < chars.length - 1)
        throw new MatcherError(`matcher value contains unescaped double quote: ${ms[3]}`);
      expectTrailingQuote = false;
    } else value += r;
  }
  if (expectTrailingQuote) throw new MatcherError(`matcher value contains unescaped double quote: ${ms[3]}`);
  return newMatcher(ms[2] as MatchType, ms[1]!, value);
}

/** parseMatchers reads `{a="b", c=~"d"}` or `a=b,c=~d`: commas inside quotes do not split. */
export function parseMatchers(text: string): Matcher[] {
  let s = text.startsWith('{') ? text.slice(1) : text;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  for (const r of s) {
    if (r === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (r === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (r === '\\') escaped = !escaped;
    else escaped = false;
    token += r;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** matches says whether a label set satisfies one matcher (absent label = empty value). */
export function matches(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.re!.test(v);
    case '!~':
      return !m.re!.test(v);
  }
}

/** matchesAll ANDs the matchers. */
export function matchesAll(ms: readonly Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => matches(m, labels));
}

function openMetricsEscape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** matcherString prints a matcher as Alertmanager does: `name="value"` with OpenMetrics escapes. */
export function matcherString(m: Matcher): string {
  return `${m.name}${m.type}"${openMetricsEscape(m.value)}"`;
}

/** sortMatchers orders as Alertmanager's Matchers.Less: name, then value, then type. */
export function sortMatchers(ms: Matcher[]): Matcher[] {
  const typeOrder: MatchType[] = ['=', '!=', '=~', '!~'];
  return [...ms].sort((a, b) =>
    a.name !== b.name
      ? a.name < b.name
        ? -1
        : 1
      : a.value !== b.value
        ? a.value < b.value
          ? -1
          : 1
        : typeOrder.indexOf(a.type) - typeOrder.indexOf(b.type),
  );
}

/** matchersString prints `{a="b",c=~"d"}`. */
export function matchersString(ms: readonly Matcher[]): string {
  return `{${ms.map(matcherString).join(',')}}`;
}
