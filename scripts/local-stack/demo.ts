import { createHash } from 'node:crypto';
import type { ObjectStore } from '#lib/storage/index.ts';
import { demoRelease } from './kube-demo.ts';

/** DEMO_OBJECTS are the first-start demo: one intact delivery (file, then sidecar) and one corrupted (sidecar first). */
export function demoObjects(): Array<{ bucket: string; key: string; body: Buffer }> {
  const good = Buffer.from('STS telemetry frame 2026-11-24T00:00:00Z\n'.repeat(2048));
  const sent = Buffer.from('DUTCH ephemeris delivery, as sent by the provider\n'.repeat(1024));
  const corrupted = Buffer.from(sent);
  corrupted[100] = corrupted[100]! ^ 0x20; // one flipped bit on the way
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  return [
    { bucket: 'inbox', key: 'STS/deliveries/2026-11-24/telemetry-frames.bin', body: good },
    {
      bucket: 'inbox',
      key: 'STS/deliveries/2026-11-24/telemetry-frames.bin.sha256',
      body: Buffer.from(`${sha(good)}  telemetry-frames.bin\n`),
    },
    {
      bucket: 'inbox',
      key: 'DUTCH/deliveries/2026-11-24/ephemeris 2026-11-24.dat.sha256',
      body: Buffer.from(`${sha(sent)}  ephemeris 2026-11-24.dat\n`),
    },
    { bucket: 'inbox', key: 'DUTCH/deliveries/2026-11-24/ephemeris 2026-11-24.dat', body: corrupted },
  ];
}

/** seedDemo uploads the demo through the S3 API once per data directory, so the events flow as for real arrivals. */
export async function seedDemo(stack: { store: ObjectStore }, log: (line: string) => void): Promise<void> {
  const marker = 'local-stack/demo-seeded';
  if (await stack.store.stat('cmp-ops-state', marker)) return;
  for (const object of demoObjects()) {
    await stack.store.put(object.bucket, object.key, object.body);
    log(`demo: uploaded s3://${object.bucket}/${object.key}`);
  }
  // the demo cluster's validated release, where installation-watch reads it (RELEASE_MANIFEST=state:…)
  await stack.store.put('cmp-ops-state', 'installation-watch/release.yaml', demoRelease(), {
    contentType: 'application/yaml',
  });
  log('demo: approved release 2026.11-demo in s3://cmp-ops-state/installation-watch/release.yaml');
  await stack.store.put('cmp-ops-state', marker, new Date().toISOString());
}
