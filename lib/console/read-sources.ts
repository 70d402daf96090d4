import { createHash } from 'node:crypto';
import { loadAlertmanagerConfig } from '#lib/alerting/config/index.ts';
import { loadOnCall } from '#lib/alerting/oncall/index.ts';
import type { Alert } from '#lib/alerting/index.ts';
import type { NetBackupState } from '#lib/netbackup/index.ts';
import { opsError } from '#lib/runtime/errors.ts';
import {
  ftpServerOfStateKey,
  ftpServerStatePrefix,
  netbackupStateKey,
  verdictPrefix,
  type ObjectStore,
  type StateStore,
} from '#lib/storage/index.ts';
import { FTP_ALERTNAMES } from './overview.ts';
import type { RouterClient } from './router-client.ts';
import type {
  AlertsSource,
  BackupsSource,
  DeliveriesSource,
  DeliveryRecord,
  FtpSource,
  InstallationSource,
  RouterGroup,
  Routing,
  SourceName,
  Sources,
  SweepSummary,
} from './sources.ts';

/** SourceRead is one read of a source: its data and, when the source says so, when it was produced. */
export interface SourceRead<T> {
  data: T;
  producedAt?: number;
}

export type SourceReaders = { [K in SourceName]: (signal: AbortSignal) => Promise<SourceRead<Sources[K]>> };

/** ReaderDeps are the ports and settings the source readers use. */
export interface ReaderDeps {
  store: ObjectStore;
  state: StateStore;
  router: RouterClient;
  /** routingSpec is alert-router's ROUTING_CONFIG (`state:key` or `file:path`), or undefined for its built-in routing. */
  routingText: () => Promise<{ text: string; source: string } | undefined>;
  netbackupMasters: string[];
  quarantineBucket: string;
  /** verdicts older than this are neither listed nor re-read (their objects left the console's 24 h view). */
  maxVerdicts: number;
}

// alert-router's routing without ROUTING_CONFIG (functions/alert-router compatRouting): every alert its own group.
const BUILT_IN_ROUTING =
  'route: { receiver: default, group_by: ["..."], group_wait: 0s, group_interval: 1ms, repeat_interval: 4h }\nreceivers: [{ name: default }]\n';

async function readText(store: ObjectStore, bucket: string, key: string, signal: AbortSignal): Promise<string> {
  let text = '';
  for await (const chunk of await store.getStream(bucket, key, { signal }))
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** routingFromSpec reads alert-router's routing where its ROUTING_CONFIG says, re-parsed only when the object changes. */
export function routingFromSpec(
  spec: string | undefined,
  store: ObjectStore,
  bucket: string,
  readFile: (path: string) => string,
): () => Promise<{ text: string; source: string } | undefined> {
  if (!spec) return async () => undefined;
  const [scheme, ...rest] = spec.split(':');
  const where = rest.join(':');
  if (scheme === 'file') return async () => ({ text: readFile(where), source: where });
  return async () => {
    const info = await store.stat(bucket, where);
    if (!info) throw opsError('CONFIG_INVALID', `routing configuration s3://${bucket}/${where} does not exist`);
    return {
      text: await readText(store, bucket, where, AbortSignal.timeout(10_000)),
      source: `s3://${bucket}/${where}`,
    };
  };
}

/** createSourceReaders builds one reader per panel; each reads only what its panel shows. */
export function createSourceReaders(deps: ReaderDeps): SourceReaders {
  let routingCache: { text: string; routing: Routing } | undefined;
  const routing = async (): Promise<Routing> => {
    const found = (await deps.routingText()) ?? { text: BUILT_IN_ROUTING, source: 'built-in routing' };
    if (routingCache?.text === found.text) return routingCache.routing;
    const config = loadAlertmanagerConfig(found.text, found.source);
    routingCache = { text: found.text, routing: { config, oncall: loadOnCall(config), source: found.source } };
    return routingCache.routing;
  };

  // verdict records by state key, re-read only when their etag changes (a listing is cheap, 2 000 GETs are not)
  const verdicts = new Map<string, { etag: string; record: DeliveryRecord | null }>();
  // A read whose content did not change answers the previous data object itself: the overview's caches are keyed
  // by that object, so what was grouped, sorted and counted for it is reused until a source really changes.
  const unchanged = <T>() => {
    let last: { signature: string; data: T } | undefined;
    return async (signature: string, make: () => T | Promise<T>): Promise<T> => {
      if (last?.signature !== signature) last = { signature, data: await make() };
      return last.data;
    };
  };
  const sameGroups = unchanged<RouterGroup[]>();
  const sameDeliveries = unchanged<DeliveriesSource>();
  const sameBackups = unchanged<BackupsSource>();
  const ftpFilter = [`alertname=~"${FTP_ALERTNAMES.join('|')}"`];

  return {
    async alerts(signal): Promise<SourceRead<AlertsSource>> {
      const [answer, ftpAlerts, silences, escalations, r] = await Promise.all([
        deps.router.groups(signal),
        deps.router.alerts(signal, ftpFilter),
        deps.router.silences(signal),
        deps.router.escalations(signal),
        routing(),
      ]);
      const groups = await sameGroups(answer.hash, answer.parse);
      return { data: { groups, ftpAlerts, silences, escalations, routing: r } };
    },

    async deliveries(signal): Promise<SourceRead<DeliveriesSource>> {
      const signature = createHash('sha256');
      const seen = new Set<string>();
      for await (const o of deps.store.list(deps.state.bucket, verdictPrefix(), { recursive: true, signal })) {
        if (seen.size >= deps.maxVerdicts) break;
        seen.add(o.key);
        signature.update(`v\0${o.key}\0${o.etag}\n`);
        if (verdicts.get(o.key)?.etag === o.etag) continue;
        const value = (await deps.state.read<Record<string, unknown>>(o.key))?.value;
        verdicts.set(o.key, { etag: o.etag, record: slimVerdict(value) });
      }
      for (const key of verdicts.keys()) if (!seen.has(key)) verdicts.delete(key);
      const quarantined: DeliveriesSource['quarantined'] = [];
      try {
        for await (const o of deps.store.list(deps.quarantineBucket, '', { recursive: true, signal })) {
          signature.update(`q\0${o.key}\0${o.etag}\n`);
          quarantined.push({ key: o.key, size: o.size, lastModified: o.lastModified.toISOString() });
        }
      } catch (err) {
        if ((err as { code?: string }).code !== 'BUCKET_NOT_FOUND') throw err;
      }
      let latest: { key: string; at: number; etag: string } | undefined;
      for await (const o of deps.store.list(deps.state.bucket, 'sweep/reports/', { recursive: true, signal }))
        if (!latest || o.lastModified.getTime() > latest.at)
          latest = { key: o.key, at: o.lastModified.getTime(), etag: o.etag };
      const checkpoint = (
        await deps.state.read<{ runId: string; startedAt: string; objects: number }>('sweep/checkpoint')
      )?.value;
      signature.update(`s\0${latest?.key}\0${latest?.etag}\0${JSON.stringify(checkpoint ?? null)}`);
      const data = await sameDeliveries(signature.digest('base64'), async () => ({
        records: [...verdicts.values()].flatMap((v) => (v.record ? [v.record] : [])),
        quarantined,
        sweep: latest ? slimSweep((await deps.state.read<Record<string, unknown>>(latest.key))?.value) : null,
        sweepInProgress: checkpoint
          ? { runId: checkpoint.runId, startedAt: checkpoint.startedAt, objects: checkpoint.objects }
          : null,
      }));
      return { data };
    },

    async backups(signal): Promise<SourceRead<BackupsSource>> {
      const found: Array<{ master: string; key: string; etag: string; at: number }> = [];
      for (const master of deps.netbackupMasters) {
        const key = netbackupStateKey(master);
        const info = await deps.store.stat(deps.state.bucket, key, { signal });
        if (info) found.push({ master, key, etag: info.etag, at: info.lastModified.getTime() });
      }
      // the 5 000-client record is read and reshaped again only when netbackup-status rewrote it
      const data = await sameBackups(JSON.stringify(found), async () => {
        const masters: BackupsSource['masters'] = [];
        for (const { master, key } of found) {
          const value = (await deps.state.read<NetBackupState>(key))?.value;
          if (!value) continue;
          masters.push({
            master,
            pairs: Object.values(value.pairs ?? {}).map((p) => ({ ...p, recent: p.recent.slice(-10) })),
            alerts: Object.values(value.alerts ?? {}),
          });
        }
        return { masters };
      });
      const producedAt = found.length ? Math.max(...found.map((f) => f.at)) : undefined;
      return { data, ...(producedAt ? { producedAt } : {}) };
    },

    async ftp(signal): Promise<SourceRead<FtpSource>> {
      const pending: FtpSource['pending'] = [];
      const servers: string[] = [];
      // read time, not the records' age: ftp-audit rewrites a server's record only when its logs bring something
      for await (const o of deps.store.list(deps.state.bucket, ftpServerStatePrefix, { recursive: true, signal })) {
        const server = ftpServerOfStateKey(o.key);
        if (server === null) continue;
        const value = (await deps.state.read<{ pending?: Record<string, FtpSource['pending'][number]> }>(o.key))?.value;
        servers.push(server);
        for (const p of Object.values(value?.pending ?? {}))
          pending.push({ server: p.server, host: p.host, user: p.user, path: p.path, bytes: p.bytes, time: p.time });
      }
      return { data: { pending, servers } };
    },

    async installation(): Promise<SourceRead<InstallationSource>> {
      const value = (
        await deps.state.read<{ lastRunAt: string; active: Record<string, { firstSeenAt: number; alert?: Alert }> }>(
          'installation-watch/state.json',
        )
      )?.value;
      if (!value) return { data: { lastRunAt: null, findings: [] } };
      const findings = Object.entries(value.active ?? {}).map(([key, a]) => ({
        key,
        firstSeenAt: a.firstSeenAt,
        firing: a.alert !== undefined,
        ...(a.alert ? { alert: a.alert } : {}),
      }));
      return { data: { lastRunAt: value.lastRunAt, findings }, producedAt: Date.parse(value.lastRunAt) };
    },
  };
}

function slimVerdict(value: Record<string, unknown> | undefined): DeliveryRecord | null {
  if (!value || (value.verdict !== 'pending' && value.verdict !== 'mismatch')) return null;
  const s = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
  return {
    bucket: s('bucket') ?? '',
    key: s('key') ?? '',
    verdict: value.verdict,
    size: typeof value.size === 'number' ? value.size : 0,
    firstSeenAt: s('firstMismatchAt') ?? s('firstSeenAt') ?? s('verifiedAt') ?? '',
    verifiedAt: s('verifiedAt') ?? '',
    ...(s('algorithm') ? { algorithm: s('algorithm')! } : {}),
    ...(s('expected') ? { expected: s('expected')! } : {}),
    ...(s('actual') ? { actual: s('actual')! } : {}),
  };
}

function slimSweep(value: Record<string, unknown> | undefined): SweepSummary | null {
  if (!value || typeof value.runId !== 'string') return null;
  const findings = Array.isArray(value.findings) ? (value.findings as SweepSummary['findings']).slice(0, 20) : [];
  return {
    runId: value.runId,
    startedAt: String(value.startedAt ?? ''),
    ...(typeof value.finishedAt === 'string' ? { finishedAt: value.finishedAt } : {}),
    objects: Number(value.objects ?? 0),
    bytes: Number(value.bytes ?? 0),
    counts: (value.counts as Record<string, number>) ?? {},
    findings,
  };
}
