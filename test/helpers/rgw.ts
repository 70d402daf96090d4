import { rmSync } from 'node:fs';
import { Secret } from '#lib/runtime/index.ts';
import { createMinioClient, createMinioStore, type ObjectStore } from '#lib/storage/index.ts';
import { missingCephBinaries, startRgw, type RunningRgw } from '../../scripts/rgw/cluster.ts';

/**
 * RGW_SKIP is the printed reason an RGW test file is skipped: only when the Ceph binaries are absent (CI installs
 * them through scripts/install-test-peers.sh, so there the tests run). null when RGW can boot.
 */
export const RGW_SKIP: string | null = (() => {
  const missing = missingCephBinaries();
  return missing.length === 0
    ? null
    : `skipped: Ceph RGW binaries absent (${missing.join(', ')}); scripts/install-test-peers.sh installs them`;
})();

let shared: Promise<RunningRgw> | undefined;

/**
 * sharedRgw boots one Ceph RGW per test process, on first use, on free ports; it is stopped (its daemons killed by
 * PID) when the process exits, however it exits.
 */
export function sharedRgw(): Promise<RunningRgw> {
  if (!shared) {
    shared = startRgw({ accessKey: 'rgwtestkey', secretKey: 'rgwtestsecret' });
    shared.then(
      (rgw) => {
        const kill = (): void => {
          for (const pid of rgw.pids()) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          rmSync(rgw.directory, { recursive: true, force: true });
        };
        process.once('exit', kill);
      },
      () => undefined,
    );
  }
  return shared;
}

/** rgwStore is an ObjectStore on the shared RGW (buckets created by the caller: names are global there). */
export async function rgwStore(): Promise<{ rgw: RunningRgw; store: ObjectStore }> {
  const rgw = await sharedRgw();
  const client = createMinioClient({
    endpoint: rgw.endpoint,
    region: 'us-east-1',
    accessKey: new Secret(rgw.accessKey),
    secretKey: new Secret(rgw.secretKey),
  });
  return { rgw, store: createMinioStore(client) };
}

/** skipUnlessRgw prints why a file's RGW tests do not run and says whether to register them. */
export function rgwAvailable(file: string): boolean {
  if (RGW_SKIP) process.stdout.write(`${file}: ${RGW_SKIP}\n`);
  return RGW_SKIP === null;
}
