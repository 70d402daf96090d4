import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { parseDocument } from 'yaml';
import { loadAlertmanagerConfig, matchRoutes, MatcherError, parseMatcher } from '#lib/alerting/config/index.ts';
import { timeMute } from '#lib/alerting/router/time-mute.ts';
import { parseFlags, UsageError, type CliIO } from '../io.ts';
import { parseS3Url, storeFromEnv } from '../s3.ts';

const USAGE = `usage: cmp-ops routes test --config alertmanager.yml [--at TIME] [--verify.receivers a,b] label=value…
       cmp-ops routes check --config alertmanager.yml
       cmp-ops routes publish --config alertmanager.yml --to s3://cmp-ops-state/alert-router/alertmanager.yml
       cmp-ops routes export --config alertmanager.yml > for-amtool.yml
Prints the receivers comma-separated, exactly as \`amtool config routes test\`. --at (ISO 8601, or with a zone:
2026-12-25T09:00 Europe/Paris) also applies mute_time_intervals and active_time_intervals, which amtool cannot.
export prints the file as Alertmanager and amtool take it: checked first, then without the cmp_ops section (which
they reject as an unknown key), comments and layout kept.`;

function labelsFrom(args: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const arg of args) {
    let m;
    try {
      m = parseMatcher(arg);
    } catch (err) {
      if (err instanceof MatcherError) throw new UsageError(`${arg}: ${err.message}`);
      throw err;
    }
    if (m.type !== '=') throw new UsageError(`${arg}: labels are name=value`);
    labels[m.name] = m.value;
  }
  return labels;
}

function parseAt(text: string): number {
  const [when, zone] = text.split(/\s+/);
  const t = DateTime.fromISO(when!, { zone: zone ?? 'utc', setZone: !zone });
  if (!t.isValid)
    throw new UsageError(`--at ${text}: not an ISO 8601 time (${t.invalidExplanation ?? t.invalidReason})`);
  return t.toMillis();
}

/** run implements `cmp-ops routes test|check`. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { flags, positionals } = parseFlags(rest);
  const file = flags.get('config')?.at(-1) ?? flags.get('config.file')?.at(-1);
  if (!file || !['test', 'check', 'publish', 'export'].includes(action ?? '')) throw new UsageError(USAGE);
  const text = await readFile(resolve(io.cwd, file), 'utf8');
  const config = loadAlertmanagerConfig(text, file);
  if (action === 'export') {
    const document = parseDocument(text);
    document.delete('cmp_ops');
    io.stdout.write(document.toString());
    return 0;
  }
  if (action === 'publish') {
    const to = flags.get('to')?.at(-1);
    if (!to) throw new UsageError(USAGE);
    const { bucket, key } = parseS3Url(to);
    await storeFromEnv(io).put(bucket, key, text, { contentType: 'application/yaml' });
    io.stdout.write(`published ${file} (valid) to ${to}\n`);
    return 0;
  }
  if (action === 'check') {
    const unsupported = [...config.receivers.values()].flatMap((r) => r.unsupported.map((u) => `${r.name}: ${u}`));
    io.stdout.write(`Checking '${file}'  SUCCESS\n`);
    for (const u of unsupported) io.stderr.write(`warning: receiver ${u} is valid but not delivered by cmp-ops\n`);
    return 0;
  }
  const labels = labelsFrom(positionals);
  let routes = matchRoutes(config.route, labels);
  const at = flags.get('at')?.at(-1);
  if (at !== undefined) {
    const instant = parseAt(at);
    routes = routes.filter((r) => {
      const muted = timeMute(config, r, instant);
      if (muted)
        io.stderr.write(
          `muted: ${r.receiver} (route ${r.key}) by ${muted.interval}${muted.until ? ` until ${new Date(muted.until).toISOString()}` : ''}\n`,
        );
      return !muted;
    });
  }
  const receivers = routes.map((r) => r.receiver);
  io.stdout.write(`${receivers.join(',')}\n`);
  const expected = flags.get('verify.receivers')?.at(-1);
  if (expected !== undefined && expected !== receivers.join(',')) {
    io.stdout.write('WARNING: Expected receivers did not match resolved receivers.\n');
    return 1;
  }
  return 0;
}
