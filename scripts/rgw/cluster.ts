// A one-node Ceph cluster serving S3 through radosgw, for tests and `S3_BACKEND=rgw npm start`: one mon, one OSD on
// memstore (objects in RAM), radosgw with the beast frontend, everything under one temporary directory, loopback
// only, each daemon a child process stopped by its PID. The settings below are the ones that made the boot take
// ~3 s instead of hanging (see docs/deploy.md, "Ceph RGW").
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** CEPH_BINARIES are the Debian programs (packages ceph-mon, ceph-osd, radosgw, ceph-common) the cluster needs. */
export const CEPH_BINARIES = [
  '/usr/bin/ceph-mon',
  '/usr/bin/ceph-osd',
  '/usr/bin/radosgw',
  '/usr/bin/radosgw-admin',
  '/usr/bin/monmaptool',
  '/usr/bin/ceph',
];

/** missingCephBinaries lists the binaries that are not installed (empty when RGW can boot here). */
export function missingCephBinaries(): string[] {
  return CEPH_BINARIES.filter((path) => !existsSync(path));
}

/** RgwOptions choose the S3 port (0 = a free one), the key pair of the S3 user and where the cluster lives. */
export interface RgwOptions {
  port?: number;
  host?: string;
  accessKey?: string;
  secretKey?: string;
  /** directory holds the config, the mon store, logs and sockets; a new temporary one when absent (removed on stop). */
  directory?: string;
  log?: (line: string) => void;
}

/** RunningRgw is a booted one-node cluster with an S3 user. */
export interface RunningRgw {
  endpoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  directory: string;
  /** pids are the daemons' process ids (mon, osd, radosgw), for an exit hook that must kill synchronously. */
  pids(): number[];
  /** bootMs is how long the boot took, from the first command to the S3 user answering. */
  bootMs: number;
  /** admin runs radosgw-admin against this cluster and returns its stdout. */
  admin(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** freeLoopbackPort asks the kernel for a free port on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function cephConf(options: {
  fsid: string;
  dir: string;
  monV2: number;
  monV1: number;
  host: string;
  port: number;
}): string {
  const { dir } = options;
  const monAddr = `[v2:127.0.0.1:${options.monV2},v1:127.0.0.1:${options.monV1}]`;
  return `[global]
fsid = ${options.fsid}
mon host = ${monAddr}
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
pid file = ${dir}/run/$name.pid
crash dir = ${dir}/crash
keyring = /dev/null
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
paxos propose interval = 0.1
mon osd reporter subtree level = osd
osd objectstore = memstore
memstore device bytes = 2147483648
ms bind ipv6 = false

[mon.a]
mon data = ${dir}/mon

[osd.0]
osd data = ${dir}/osd

[client.rgw]
rgw frontends = beast endpoint=${options.host}:${options.port}
rgw data = ${dir}/rgw
rgw dns name = ${options.host}
ms mon client mode = crc
rgw enable usage log = false
rgw thread pool size = 64
`;
}

// Each daemon runs under a tiny shell that kills it when the test process's stdin pipe to it closes: even if the
// test process is killed with SIGKILL (no exit hook runs), no ceph daemon outlives it.
const GUARD =
  'exec 3<&0; "$@" </dev/null & c=$!; echo $c; (read -r _ <&3; kill -9 $c 2>/dev/null) & w=$!; wait $c; s=$?; kill $w 2>/dev/null; exit $s';

interface Daemon {
  name: string;
  child: ChildProcess;
  pid: Promise<number>;
  /** daemonPid is the ceph daemon's own pid once the guard printed it. */
  daemonPid?: number;
}

function startDaemon(name: string, argv: string[]): Daemon {
  const child = spawn('/bin/sh', ['-c', GUARD, 'guard', ...argv], { stdio: ['pipe', 'pipe', 'ignore'] });
  const pid = new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', () => reject(new Error(`${name} exited before it started`)));
  });
  const daemon: Daemon = { name, child, pid };
  pid.then((p) => (daemon.daemonPid = p)).catch(() => undefined);
  return daemon;
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  daemons: Daemon[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = daemons.find((d) => d.child.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited (code ${dead.child.exitCode}) while waiting for ${what}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** startRgw boots the cluster and creates the S3 user; it throws (after stopping what started) when a step fails. */
export async function startRgw(options: RgwOptions = {}): Promise<RunningRgw> {
  const missing = missingCephBinaries();
  if (missing.length > 0)
    throw new Error(`Ceph binaries missing (${missing.join(', ')}): install ceph-mon ceph-osd radosgw ceph-common`);
  const started = Date.now();
  const host = options.host ?? '127.0.0.1';
  const accessKey = options.accessKey ?? 'minioadmin';
  const secretKey = options.secretKey ?? 'minioadmin';
  const ownsDirectory = options.directory === undefined;
  const dir = options.directory ?? mkdtempSync(join(tmpdir(), 'cmp-ops-rgw-'));
  for (const sub of ['run', 'log', 'crash', 'mon', 'osd', 'rgw']) mkdirSync(join(dir, sub), { recursive: true });
  const [monV2, monV1, port] = [
    await freeLoopbackPort(),
    await freeLoopbackPort(),
    options.port || (await freeLoopbackPort()),
  ];
  const conf = join(dir, 'ceph.conf');
  const fsid = randomUUID();
  writeFileSync(conf, cephConf({ fsid, dir, monV2, monV1, host, port }));
  const daemons: Daemon[] = [];
  const cli = async (program: string, args: string[]): Promise<string> =>
    (await run(program, ['-c', conf, ...args], { timeout: 60_000 })).stdout;
  const stop = async (): Promise<void> => {
    await Promise.all(daemons.splice(0).reverse().map(stopDaemon));
    if (ownsDirectory) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // `--addv` with both protocols: `--add` on a port other than 6789 records a v2-only address that v1 clients
    // (radosgw-admin's auth) never get an answer from.
    await run('monmaptool', [
      '--create',
      '--fsid',
      fsid,
      '--addv',
      'a',
      `[v2:127.0.0.1:${monV2},v1:127.0.0.1:${monV1}]`,
      join(dir, 'monmap'),
    ]);
    await cli('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap')]);
    daemons.push(startDaemon('ceph-mon', ['ceph-mon', '-f', '-c', conf, '-i', 'a']));
    const osdUuid = randomUUID();
    await waitUntil(
      'the monitor',
      async () => (await cli('ceph', ['--connect-timeout', '5', 'osd', 'new', osdUuid])).trim() === '0',
      daemons,
      30_000,
    );
    await cli('ceph-osd', ['-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    daemons.push(startDaemon('ceph-osd', ['ceph-osd', '-f', '-c', conf, '-i', '0']));
    daemons.push(startDaemon('radosgw', ['radosgw', '-f', '-c', conf, '-n', 'client.rgw']));
    await waitUntil('radosgw', async () => (await fetch(`http://${host}:${port}/`)).status > 0, daemons, 60_000);
    await cli('radosgw-admin', [
      '-n',
      'client.rgw',
      'user',
      'create',
      '--uid',
      'cmpops',
      '--display-name',
      'cmp-ops',
      '--access-key',
      accessKey,
      '--secret',
      secretKey,
    ]);
    const rgw: RunningRgw = {
      endpoint: `http://${host}:${port}`,
      port,
      accessKey,
      secretKey,
      directory: dir,
      bootMs: Date.now() - started,
      pids: () => daemons.flatMap((d) => [d.daemonPid, d.child.pid]).filter((p): p is number => typeof p === 'number'),
      admin: (args) => cli('radosgw-admin', ['-n', 'client.rgw', ...args]),
      stop,
    };
    options.log?.(`rgw: one-node Ceph cluster up in ${rgw.bootMs} ms, S3 on ${rgw.endpoint} (${dir})`);
    return rgw;
  } catch (err) {
    await stop();
    throw err;
  }
}

async function stopDaemon(daemon: Daemon): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => daemon.child.once('exit', () => resolve()));
  const pid = await Promise.race([
    daemon.pid,
    new Promise<number>((resolve) => setTimeout(() => resolve(0), 1000)),
  ]).catch(() => 0);
  // SIGKILL at once: memstore keeps nothing worth a clean shutdown, and ceph-osd's takes seconds. The guard shell
  // then reaps the daemon and exits.
  if (pid > 0) signal(pid, 'SIGKILL');
  const timer = setTimeout(() => daemon.child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
