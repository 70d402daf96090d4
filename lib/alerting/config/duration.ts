/**
 * Prometheus durations as Alertmanager's configuration writes them (prometheus/common model.ParseDuration):
 * `1y2w3d4h5m6s7ms`, units in that order, each at most once, integers only; `0` alone is zero.
 */
const PATTERN = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNITS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** parseDuration returns milliseconds, or undefined when the text is not a Prometheus duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNITS[i]!;
  return ms;
}

/** formatDuration prints milliseconds the way Prometheus does (`1h30m`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [
    ['y', UNITS[0]],
    ['w', UNITS[1]],
    ['d', UNITS[2]],
    ['h', UNITS[3]],
    ['m', UNITS[4]],
    ['s', UNITS[5]],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size!);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size!;
    }
  }
  return out;
}
