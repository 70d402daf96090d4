import { examineBatch, type Drift, type SweepItem, type VerdictRecord } from '#lib/integrity/index.ts';
import { verdictKey, verdictPrefix } from '#lib/storage/index.ts';
import { splitLocation, type DeliveryIntactSpec, type SweepCleanSpec } from '../check-specs.ts';
import { isChecksumFile } from './objects.ts';
import { capped, type CheckDeps, type CheckOutcome } from './types.ts';

const BATCH = 64;
const STALE_PENDING_MINUTES = 1440;

/** checkDeliveryIntact reads checksum-verify's verdict of every delivered object: `ok`, for the version stored now. */
export async function checkDeliveryIntact(spec: DeliveryIntactSpec, deps: CheckDeps): Promise<CheckOutcome> {
  const { bucket, prefix } = splitLocation(spec.location);
  const ok: string[] = [];
  const bad: string[] = [];
  for await (const item of deps.store.list(bucket, prefix, {
    recursive: true,
    ...(deps.signal ? { signal: deps.signal } : {}),
  })) {
    if (isChecksumFile(item.key)) continue;
    const record = (await deps.state.read<VerdictRecord>(verdictKey(bucket, item.key)))?.value;
    if (!record) bad.push(`${item.key}: no verdict (never verified)`);
    else if (record.etag !== item.etag)
      bad.push(`${item.key}: verdict ${record.verdict} was for etag ${record.etag}, the object is now ${item.etag}`);
    else if (record.verdict !== 'ok')
      bad.push(
        `${item.key}: verdict ${record.verdict}${record.expected ? ` expected ${record.algorithm}:${record.expected}` : ''}${record.actual ? ` actual ${record.actual}` : ''}${record.reason ? ` (${record.reason})` : ''} at ${record.verifiedAt}`,
      );
    else
      ok.push(
        `${item.key} ${record.algorithm}:${record.actual} ${item.size} bytes, ${record.checksumSource ? `checked against ${record.checksumSource} ` : ''}at ${record.verifiedAt}`,
      );
  }
  const where = `s3://${bucket}/${prefix}`;
  if (ok.length + bad.length === 0) return { status: 'f', summary: `no delivered object under ${where}`, evidence: [] };
  if (bad.length > 0)
    return {
      status: 'f',
      summary: `${bad.length} of ${ok.length + bad.length} object(s) under ${where} are not verified ok`,
      evidence: capped([...bad, ...ok]),
    };
  return { status: 'p', summary: `${ok.length} object(s) under ${where} verified ok`, evidence: capped(ok) };
}

/** checkSweepClean re-hashes every object of the location now and looks for verdicts whose object is gone. */
export async function checkSweepClean(spec: SweepCleanSpec, deps: CheckDeps): Promise<CheckOutcome> {
  const { bucket, prefix } = splitLocation(spec.location);
  const staleBefore = deps.now().minus({ minutes: STALE_PENDING_MINUTES }).toUTC().toISO() as string;
  const drifts: Drift[] = [];
  let examined = 0;
  let bytes = 0;
  let batch: SweepItem[] = [];
  const flush = async () => {
    const out = await examineBatch(deps, batch, staleBefore, spec.concurrency ?? 4, deps.signal);
    examined += out.examined;
    bytes += out.bytes;
    drifts.push(...out.drifts);
    batch = [];
  };
  for await (const item of deps.store.list(bucket, prefix, {
    recursive: true,
    ...(deps.signal ? { signal: deps.signal } : {}),
  })) {
    if (isChecksumFile(item.key)) continue;
    batch.push({ bucket, key: item.key, size: item.size, etag: item.etag });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  const recordPrefix = verdictPrefix(bucket);
  for await (const recordKey of deps.state.list(`${recordPrefix}${prefix}`)) {
    const key = recordKey.slice(recordPrefix.length);
    if (await deps.store.stat(bucket, key, deps.signal ? { signal: deps.signal } : {})) continue;
    const record = (await deps.state.read<VerdictRecord>(recordKey))?.value;
    if (record && record.verdict !== 'vanished')
      drifts.push({
        kind: 'missing',
        bucket,
        key,
        detail: `recorded ${record.verdict} at ${record.verifiedAt}, object gone`,
      });
  }
  const where = `s3://${bucket}/${prefix}`;
  const totals = `${examined} object(s), ${bytes} bytes re-hashed under ${where} at ${deps.now().toUTC().toISO()}`;
  if (drifts.length > 0)
    return {
      status: 'f',
      summary: `${drifts.length} drift(s) under ${where}`,
      evidence: [totals, ...capped(drifts.map((d) => `${d.kind} ${d.key}: ${d.detail}`))],
    };
  if (examined === 0) return { status: 'f', summary: `no object under ${where} to sweep`, evidence: [totals] };
  return { status: 'p', summary: `no drift under ${where}`, evidence: [totals] };
}
