import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  diffRelease,
  formatReleaseManifest,
  observedRelease,
  parseReleaseManifest,
  type ClusterSnapshot,
  type ReleaseManifest,
} from '#lib/k8s/index.ts';
import { createKubeReader, loadKubeConfig } from '#lib/k8s/reader.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';
import { parseS3Url, storeFromEnv } from '../s3.ts';

const USAGE = `usage: cmp-ops release approve --release NAME [--by WHO] [--out FILE | --to s3://bucket/key] [--namespace NS]… [--subsystem-label L]
       cmp-ops release diff --manifest FILE|s3://bucket/key [--namespace NS]… [--format json|text]
The cluster is read from $KUBECONFIG, or the in-cluster ServiceAccount.`;

async function readSnapshot(io: CliIO, namespaces: string[]): Promise<ClusterSnapshot> {
  const snap = await createKubeReader(loadKubeConfig(io.env.KUBECONFIG)).snapshot();
  if (namespaces.length === 0) return snap;
  const keep = <T extends { metadata?: { namespace?: string } }>(items: T[]) =>
    items.filter((i) => namespaces.includes(i.metadata?.namespace ?? ''));
  return {
    ...snap,
    pods: keep(snap.pods),
    deployments: keep(snap.deployments),
    statefulsets: keep(snap.statefulsets),
    daemonsets: keep(snap.daemonsets),
  };
}

async function readManifest(where: string, io: CliIO): Promise<ReleaseManifest> {
  if (where.startsWith('s3://')) {
    const { bucket, key } = parseS3Url(where);
    const chunks: Buffer[] = [];
    for await (const chunk of await storeFromEnv(io).getStream(bucket, key))
      chunks.push(Buffer.from(chunk as Uint8Array));
    return parseReleaseManifest(Buffer.concat(chunks).toString('utf8'), where);
  }
  return parseReleaseManifest(await readFile(resolve(io.cwd, where), 'utf8'), where);
}

/**
 * run implements `cmp-ops release approve|diff`: record what runs now as the validated baseline after a validation
 * campaign (digests only), or show what changed since. Exit 1 when approve met containers it cannot pin (no registry
 * digest) or when diff finds changes.
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { flags } = parseFlags(rest);
  const one = (name: string) => flags.get(name)?.at(-1);
  const namespaces = flags.get('namespace') ?? [];
  const label = one('subsystem-label') ?? 'cmp-ops.io/subsystem';
  const subsystemOf = (labels: Record<string, string> | undefined) => labels?.[label] ?? 'CLUSTER';
  if (action === 'approve') {
    const release = one('release');
    if (!release) throw new UsageError(USAGE);
    const { manifest, unverifiable } = observedRelease(
      await readSnapshot(io, namespaces),
      release,
      new Date().toISOString(),
      one('by'),
      subsystemOf,
    );
    const text = formatReleaseManifest(manifest);
    parseReleaseManifest(text, 'approved manifest'); // what we write must read back
    const out = one('out');
    const to = one('to');
    if (to) {
      const { bucket, key } = parseS3Url(to);
      await storeFromEnv(io).put(bucket, key, text, { contentType: 'application/yaml' });
      io.stderr.write(`release ${release}: ${manifest.workloads.length} workloads approved, written to ${to}\n`);
    } else if (out) {
      await writeFile(resolve(io.cwd, out), text);
      io.stderr.write(`release ${release}: ${manifest.workloads.length} workloads approved, written to ${out}\n`);
    } else io.stdout.write(text);
    for (const u of unverifiable)
      io.stderr.write(
        `warning: ${u.workload} container ${u.container} runs ${u.running.kind === 'config-id' ? u.running.id : '?'} without a registry digest: not approved; pin it by digest\n`,
      );
    return unverifiable.length > 0 ? 1 : 0;
  }
  if (action === 'diff') {
    const where = one('manifest');
    if (!where) throw new UsageError(USAGE);
    const approved = await readManifest(where, io);
    const observed = observedRelease(
      await readSnapshot(io, namespaces),
      'running',
      new Date().toISOString(),
      undefined,
      subsystemOf,
    ).manifest;
    const changes = diffRelease(approved, observed);
    if (one('format') === 'text') {
      for (const c of changes)
        io.stdout.write(
          `${c.change.padEnd(8)} ${c.workload}${c.container ? ` ${c.container}` : ''}${c.running ? ` running ${c.running.join(',')}` : ''}${c.approved ? ` approved ${c.approved.join(',')}` : ''}\n`,
        );
      io.stdout.write(`${changes.length} change(s) since release ${approved.release}\n`);
    } else for (const c of changes) writeJsonLine(io.stdout, c);
    return changes.length > 0 ? 1 : 0;
  }
  throw new UsageError(USAGE);
}
