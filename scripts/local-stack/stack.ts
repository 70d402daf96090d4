import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
  watchFile,
  unwatchFile,
  statSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { minioWebhookBody } from '#lib/events/index.ts';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, type ObjectStore } from '#lib/storage/index.ts';
import { cronMatches, matchTriggers, parseCron, parseTriggers, type TriggerDeclaration } from '#lib/triggers/index.ts';
import { EventQueue } from './event-delivery.ts';
import { startFunctionProcess, type FunctionProcess } from './function-process.ts';
import { startLocalGateway, type LocalGateway } from './gateway.ts';
import { startEmbeddedS3, startRgwS3, type EmbeddedS3, type S3rverEvent } from './s3-server.ts';
import { applyRgwNotifications } from '../rgw/notifications.ts';
import type { RunningRgw } from '../rgw/cluster.ts';
import { readEnvFile, readStackFile, type StackFunction } from './stack-file.ts';
import { seedDemo } from './demo.ts';
import { startKubeStandin, type KubeStandin } from './kube-api-standin.ts';
import { demoCluster } from './kube-demo.ts';
import { writeConsoleSecrets, type ConsoleLogin } from './console-user.ts';
import { startVcenterWithDemo, type VcenterStandin } from './vcenter-standin.ts';

export const LOCAL_BUCKETS = ['inbox', 'quarantine', 'reports', 'cmp-ops-state'];

/** LocalStackOptions configure `npm start` and the integration tests (which use port 0 and a temporary data dir). */
export interface LocalStackOptions {
  root: string;
  dataDir: string;
  host?: string;
  s3Port: number;
  gatewayPort: number;
  accessKey: string;
  secretKey: string;
  token?: string;
  seedDemo: boolean;
  timers: boolean;
  /** eventRetryMs is MinIO's queue_dir retry interval (3 s in MinIO). */
  eventRetryMs?: number;
  /** functionEnv adds or overrides variables per function (tests point receivers at their listeners). */
  functionEnv?: Record<string, Record<string, string>>;
  /** kubePort is the Kubernetes API stand-in's port (0 = free port). */
  kubePort?: number;
  /** only starts a subset of the stack.yml functions. */
  only?: string[];
  /** consolePassword is ops-console's `operator` password ($CMP_OPS_CONSOLE_PASSWORD); else generated once into the data dir. */
  consolePassword?: string;
  /** startTimeoutMs bounds each function's cold start (15 s; a loaded machine needs more). */
  startTimeoutMs?: number;
  log?: (line: string) => void;
  /** s3Backend 'rgw' serves S3 from Ceph RGW, which delivers the object events itself (default: embedded s3rver). */
  s3Backend?: 's3rver' | 'rgw';
  /** rgw reuses an RGW already running (tests share one per process) instead of booting one. */
  rgw?: RunningRgw;
  /** rgwPersistent makes RGW's topics persistent (redelivery after an outage; a new topic's first event can take 30 s). */
  rgwPersistent?: boolean;
}

/** LocalStack is a running local stack. */
export interface LocalStack {
  s3Endpoint: string;
  gatewayUrl: string;
  token: string;
  dataDir: string;
  notificationsFile: string;
  store: ObjectStore;
  functions: FunctionProcess[];
  /** kube is the Kubernetes API stand-in installation-watch reads (no API server runs locally). */
  kube: KubeStandin;
  /** console is ops-console's page and its local login, when ops-console runs. */
  console?: ConsoleLogin & { url: string };
  /** vcenter is the vCenter (vSphere Automation API) stand-in installation-watch reads, over HTTPS with a local CA. */
  vcenter: VcenterStandin;
  /** settled resolves when every object event was delivered and every async call finished. */
  settled(): Promise<void>;
  /** tick fires the cron timers due at `time` (timers also fire by themselves each minute when enabled). */
  tick(time: DateTime): Promise<string[]>;
  stop(): Promise<void>;
}

// Deliver each write the way MinIO's webhook target would: its payload, its escaping, the bearer token.
const EVENT_NAMES: Record<string, string> = {
  'ObjectCreated:Put': 's3:ObjectCreated:Put',
  'ObjectCreated:Post': 's3:ObjectCreated:Post',
  'ObjectCreated:Copy': 's3:ObjectCreated:Copy',
  'ObjectRemoved:Delete': 's3:ObjectRemoved:Delete',
};

// Production-only variables that the local stack replaces with its own (alert-router routes with its built-in
// immediate routing locally, or config/local/alert-router.env's ROUTING_CONFIG).
// ALERT_ROUTER_PEERS names the cluster's headless Service: locally alerts go through the gateway to the one router
const LOCAL_OVERRIDDEN = new Set([
  'S3_ENDPOINT',
  'GATEWAY_URL',
  'SECRETS_DIR',
  'ROUTING_CONFIG',
  'EXTERNAL_URL',
  'ALERT_ROUTER_PEERS',
]);

/** startLocalStack starts the embedded S3 server, the function processes, the gateway, event delivery and timers. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  mkdirSync(join(options.dataDir, 's3'), { recursive: true });
  mkdirSync(join(options.dataDir, 'logs'), { recursive: true });
  const token = options.token ?? loadOrCreateToken(options.dataDir);
  const notificationsFile = join(options.dataDir, 'notifications.jsonl');
  const triggers: TriggerDeclaration = parseTriggers(
    JSON.parse(readFileSync(join(options.root, 'config', 'triggers.json'), 'utf8')),
  );
  const stackFunctions = readStackFile(join(options.root, 'stack.yml')).filter(
    (f) => !options.only || options.only.includes(f.name),
  );

  const consoleLogin = stackFunctions.some((f) => f.name === 'ops-console')
    ? await writeConsoleSecrets(options.dataDir, options.consolePassword)
    : undefined;
  const ports = new Map<string, number>();
  // A function still starting: the gateway holds its calls until it listens (OpenFaaS holds them while scaling up).
  const starting = new Map<string, Promise<number | undefined>>();
  let gateway: LocalGateway | undefined;
  let s3: EmbeddedS3 | undefined;
  let kube: KubeStandin | undefined;
  let vcenter: VcenterStandin | undefined;
  const processes: FunctionProcess[] = [];
  const queues = new Map<string, EventQueue>();
  let timer: NodeJS.Timeout | undefined;
  let ready = false;
  const stop = async (): Promise<void> => {
    if (timer) clearInterval(timer);
    unwatchFile(notificationsFile);
    queues.forEach((q) => q.stop());
    await Promise.allSettled(processes.map((p) => p.stop()));
    await gateway?.close();
    await s3?.close();
    await kube?.close();
    await vcenter?.close();
  };
  const health = async (): Promise<string[]> => {
    if (!ready) return ['starting'];
    const problems = await Promise.all(
      processes.map(async (p) =>
        p.alive() && (await functionHealthy(p.port)) ? undefined : `${p.name} is not healthy`,
      ),
    );
    return problems.filter((p): p is string => p !== undefined);
  };
  try {
    gateway = await startLocalGateway({
      host,
      port: options.gatewayPort,
      upstream: (name) => ports.get(name) ?? starting.get(name),
      health,
      log,
    });
    const gatewayUrl = gateway.url;
    // Delivery is wired before S3 accepts a single write, so no object written from then on goes unannounced.
    for (const target of triggers.targets) {
      if (!stackFunctions.some((fn) => fn.name === target.function)) continue;
      queues.set(
        target.id,
        new EventQueue(target, {
          url: `${gatewayUrl}/function/${target.function}`,
          token: () => token,
          retryMs: options.eventRetryMs ?? 3000,
          log,
        }),
      );
    }
    const pendingStats: Array<Promise<void>> = [];
    let store: ObjectStore | undefined;
    const onEvent = (event: S3rverEvent): void => {
      for (const record of event.Records) {
        const name = EVENT_NAMES[record.eventName] ?? `s3:${record.eventName}`;
        const bucket = record.s3.bucket.name;
        const key = record.s3.object.key;
        const targets = matchTriggers(triggers, { bucket, key, name });
        if (targets.length === 0 || !store) continue;
        const work = store.stat(bucket, key).then((info) => {
          const eventTime = new Date();
          const objectInfo = info ?? {
            bucket,
            key,
            size: record.s3.object.size ?? 0,
            etag: record.s3.object.eTag ?? '',
            lastModified: eventTime,
            metadata: {},
          };
          for (const target of targets)
            queues
              .get(target.id)
              ?.push(minioWebhookBody({ eventName: name, info: objectInfo, eventTime, accessKey: options.accessKey }));
        });
        pendingStats.push(work.catch((err: Error) => log(`event for ${bucket}/${key} lost: ${err.message}`)));
      }
    };
    s3 =
      options.s3Backend === 'rgw'
        ? await startRgwS3({
            host,
            port: options.s3Port,
            directory: join(options.dataDir, 'rgw'),
            accessKey: options.accessKey,
            secretKey: options.secretKey,
            buckets: LOCAL_BUCKETS,
            log,
            ...(options.rgw ? { running: options.rgw } : {}),
          })
        : await startEmbeddedS3({
            host,
            port: options.s3Port,
            directory: join(options.dataDir, 's3'),
            accessKey: options.accessKey,
            secretKey: options.secretKey,
            buckets: LOCAL_BUCKETS,
            onEvent,
          });
    // RGW pushes its own events (its record, its raw keys, the URL event token): the topics come from config/triggers.json
    if (options.s3Backend === 'rgw')
      await applyRgwNotifications(triggers, {
        s3: {
          url: new URL(s3.endpoint),
          region: 'us-east-1',
          accessKey: options.accessKey,
          secretKey: options.secretKey,
        },
        gatewayUrl,
        invokeToken: new Secret(token),
        persistent: options.rgwPersistent ?? true,
      });
    store = createMinioStore(
      createMinioClient({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        accessKey: new Secret(options.accessKey),
        secretKey: new Secret(options.secretKey),
        partSize: 5 * 1024 ** 3,
      }),
    );
    // No Kubernetes API server runs here: installation-watch reads a stand-in serving the demo cluster.
    kube = await startKubeStandin(demoCluster(), { port: options.kubePort ?? 0 });
    const kubeconfig = join(options.dataDir, 'kubeconfig');
    kube.writeKubeconfig(kubeconfig);
    const vsphere = await startVcenterWithDemo(options.dataDir);
    vcenter = vsphere.standin;
    const s3Endpoint = s3.endpoint;
    const launches = stackFunctions.map((fn) =>
      startFunctionProcess({
        name: fn.name,
        bundle: join(options.root, 'dist', 'functions', `${fn.name}.mjs`),
        env: functionEnvironment(fn, options, {
          s3Endpoint,
          gatewayUrl,
          token,
          notificationsFile,
          kubeconfig,
          vsphere: vsphere.env,
        }),
        cwd: options.root,
        logFile: join(options.dataDir, 'logs', `${fn.name}.log`),
        ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
      }).then((proc) => {
        processes.push(proc);
        ports.set(proc.name, proc.port);
        return proc;
      }),
    );
    stackFunctions.forEach((fn, i) =>
      starting.set(
        fn.name,
        launches[i]!.then(
          (p) => p.port,
          () => undefined,
        ),
      ),
    );
    const started = await Promise.allSettled(launches);
    starting.clear();
    processes.sort(
      (a, b) => stackFunctions.findIndex((f) => f.name === a.name) - stackFunctions.findIndex((f) => f.name === b.name),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const tick = async (time: DateTime): Promise<string[]> => {
      const due = stackFunctions.filter((fn) => fn.schedule && cronMatches(parseCron(fn.schedule), time));
      await Promise.all(
        due.map(async (fn) => {
          // Exactly what the cron-connector sends: POST, no body, X-Topic/X-Connector, no credentials.
          const response = await fetch(`${gatewayUrl}/function/${fn.name}`, {
            method: 'POST',
            headers: { 'x-topic': 'cron-function', 'x-connector': 'cron-connector' },
          }).catch(() => undefined);
          await response?.arrayBuffer();
          log(`timer ${fn.name} (${fn.schedule}) → ${response?.status ?? 'unreachable'}`);
        }),
      );
      return due.map((fn) => fn.name);
    };
    if (options.timers) {
      timer = setInterval(() => {
        const now = DateTime.utc();
        if (now.second === 0) void tick(now);
      }, 1000);
      timer.unref();
    }
    watchNotifications(notificationsFile, log);
    const stack: LocalStack = {
      s3Endpoint,
      gatewayUrl,
      token,
      dataDir: options.dataDir,
      notificationsFile,
      store,
      functions: processes,
      kube,
      ...(consoleLogin ? { console: { ...consoleLogin, url: `${gatewayUrl}/function/ops-console/` } } : {}),
      vcenter,
      async settled() {
        // Each step can cause the next (an event's handler posts to alert-router through the gateway).
        for (let i = 0; i < 3; i++) {
          await Promise.all(pendingStats.splice(0));
          await Promise.all([...queues.values()].map((q) => q.idle()));
          await gateway!.idle();
        }
      },
      tick,
      stop,
    };
    ready = true;
    if (options.seedDemo) await seedDemo(stack, log);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}

function functionEnvironment(
  fn: StackFunction,
  options: LocalStackOptions,
  urls: {
    s3Endpoint: string;
    gatewayUrl: string;
    token: string;
    notificationsFile: string;
    kubeconfig: string;
    vsphere: Record<string, string>;
  },
): Record<string, string> {
  const fromStack = Object.fromEntries(Object.entries(fn.environment).filter(([k]) => !LOCAL_OVERRIDDEN.has(k)));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...fromStack,
    ...readEnvFile(join(options.root, 'config', 'local', `${fn.name}.env`)),
    S3_ENDPOINT: urls.s3Endpoint,
    GATEWAY_URL: urls.gatewayUrl,
    SECRETS_DIR: join(options.dataDir, 'secrets'),
    S3_ACCESS_KEY: options.accessKey,
    S3_SECRET_KEY: options.secretKey,
    CMP_OPS_INVOKE_TOKEN: urls.token,
  };
  if (fn.name === 'alert-router') {
    env.NOTIFICATIONS_FILE = urls.notificationsFile;
    // Links in notifications (ack, externalURL) point at this stack's gateway, whatever GATEWAY_PORT is.
    env.EXTERNAL_URL = `${urls.gatewayUrl}/function/alert-router`;
  }
  if (fn.name === 'installation-watch') Object.assign(env, { KUBECONFIG: urls.kubeconfig, ...urls.vsphere });
  if (fn.name === 'release-validation') env.KUBECONFIG = urls.kubeconfig;
  return { ...env, ...options.functionEnv?.[fn.name] };
}

/** functionHealthy asks a function's own health path (`/_/health`), as the gateway's readiness depends on it. */
async function functionHealthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_/health`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function loadOrCreateToken(dataDir: string): string {
  const file = join(dataDir, 'invoke-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

function watchNotifications(file: string, log: (line: string) => void): void {
  let offset = existsSync(file) ? statSync(file).size : 0;
  watchFile(file, { interval: 250 }, (current) => {
    if (current.size <= offset) {
      offset = current.size;
      return;
    }
    const fd = openSync(file, 'r');
    const buffer = Buffer.alloc(current.size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    closeSync(fd);
    offset = current.size;
    for (const line of buffer.toString('utf8').split('\n').filter(Boolean)) {
      try {
        const payload = JSON.parse(line) as {
          status: string;
          receiver: string;
          alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
        };
        for (const alert of payload.alerts)
          log(
            `NOTIFICATION [${alert.status}] ${alert.labels.alertname} ${alert.labels.severity ?? ''} ${alert.labels.subsystem ?? ''}: ${alert.annotations.summary ?? ''} → ${payload.receiver}`,
          );
      } catch {
        log(`notification: ${line.slice(0, 200)}`);
      }
    }
  });
}
