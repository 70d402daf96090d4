import type { ObjectInfo, ObjectStore } from '#lib/storage/index.ts';
import { hintFromName, readChecksumText, type Algorithm, type ChecksumEntry } from '#lib/checksum/index.ts';

/** SIDECAR_SUFFIXES are the sidecar names looked for next to an object, in this order. */
export const SIDECAR_SUFFIXES = ['.sha256', '.sha256sum', '.sha512', '.sha1', '.md5', '.md5sum', '.cksum'];
/** MANIFEST_NAMES are the manifests that cover a whole delivery folder. */
export const MANIFEST_NAMES = ['SHA256SUMS', 'SHA512SUMS', 'SHA1SUMS', 'MD5SUMS'];
const METADATA_KEYS: Array<[string, Algorithm]> = [
  ['sha256', 'sha256'],
  ['sha512', 'sha512'],
  ['sha1', 'sha1'],
  ['md5', 'md5'],
];
const TEXT_LIMIT = 4 * 1024 * 1024;
const MANIFEST_LEVELS = 4;

/** Expected is where an object's expected checksum came from, and what it says (or why it cannot be read). */
export type Expected =
  | { source: string; algorithm: Algorithm; hex: string; size?: number }
  | { source: string; error: string };

/** CallerExpected is a checksum given by an HTTP caller: `sha256:HEX`. */
export interface CallerExpected {
  algorithm: Algorithm;
  hex: string;
}

async function readSmallText(
  store: ObjectStore,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const info = await store.stat(bucket, key, signal ? { signal } : {});
  if (!info) return null;
  if (info.size > TEXT_LIMIT) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream(bucket, key, signal ? { signal } : {})) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** isSafeManifestName refuses names that leave the delivery folder (`../x`, `/etc/x`, `C:\x`). */
export function isSafeManifestName(name: string): boolean {
  return !name.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(name) && !name.split(/[\\/]/).includes('..');
}

/** pickEntry finds the entry for `relative` (or the only one); entries that disagree make it unreadable. */
export function pickEntry(text: string, listName: string, relative: string | null, source: string): Expected | null {
  const items = readChecksumText(text, hintFromName(listName));
  const entries = items.filter((i): i is ChecksumEntry => i.kind === 'entry');
  const strip = (n: string) => n.replace(/^\.\//, '').replace(/\\/g, '/');
  const named =
    relative === null
      ? []
      : entries.filter(
          (e) => e.name !== null && (strip(e.name) === relative || strip(e.name).split('/').pop() === relative),
        );
  const pick =
    named[0] ??
    (relative !== null && entries.length === 1 && entries[0]!.name === null ? entries[0] : undefined) ??
    (entries.length === 1 && named.length === 0 && relative === null ? entries[0] : undefined);
  if (pick) {
    if (named.some((e) => e.expected !== pick.expected))
      return { source, error: `entries for ${relative} disagree (lines ${named.map((e) => e.line).join(', ')})` };
    return {
      source,
      algorithm: pick.algorithm,
      hex: pick.expected,
      ...(pick.size !== undefined ? { size: pick.size } : {}),
    };
  }
  const bad = items.find((i) => i.kind === 'reject');
  if (bad && bad.kind === 'reject' && (entries.length === 0 || named.length === 0))
    return { source, error: `line ${bad.line} is not a checksum line (${bad.reason})` };
  return null;
}

/**
 * etagMd5 returns an object's ETag when it is the MD5 of its content: a single-part upload (no `-N` part count) of
 * an object stored without server-side encryption (with SSE-KMS or SSE-C the ETag is not the MD5 on S3, and MinIO
 * encrypts it with any SSE). Null otherwise.
 */
export function etagMd5(info: Pick<ObjectInfo, 'etag' | 'metadata'>): string | null {
  if (!/^[0-9a-fA-F]{32}$/.test(info.etag)) return null;
  if (Object.keys(info.metadata).some((name) => name.startsWith('x-amz-server-side-encryption'))) return null;
  return info.etag.toLowerCase();
}

/** etagTrusted tells whether `bucket/key` is under one of the configured prefixes (`bucket/prefix`, or `*`). */
export function etagTrusted(prefixes: readonly string[], bucket: string, key: string): boolean {
  const path = `${bucket}/${key}`;
  return prefixes.some((p) => p === '*' || path.startsWith(p));
}

/**
 * findExpected looks for an object's expected checksum in order: the caller's value, a sidecar next to it (any
 * format), a manifest of its folder (or of up to four folders above) naming it, its user metadata
 * (`x-amz-meta-sha256`, …), and last, where the operator trusts it (`useEtag`), the ETag of a single-part upload as
 * MD5. The ETag only proves the bytes read back are the bytes the server received, so it is off unless configured:
 * an object without any other checksum then stays `pending` until its sidecar or manifest arrives. Null when none
 * exists.
 */
export async function findExpected(
  store: ObjectStore,
  bucket: string,
  key: string,
  info: Pick<ObjectInfo, 'etag' | 'metadata'>,
  caller: CallerExpected | undefined,
  signal?: AbortSignal,
  useEtag = false,
): Promise<Expected | null> {
  const metadata = info.metadata;
  if (caller) return { source: 'caller', algorithm: caller.algorithm, hex: caller.hex.toLowerCase() };
  const base = key.split('/').pop()!;
  for (const suffix of SIDECAR_SUFFIXES) {
    const text = await readSmallText(store, bucket, `${key}${suffix}`, signal);
    if (text === null) continue;
    const source = `s3://${bucket}/${key}${suffix}`;
    const items = readChecksumText(text, hintFromName(suffix));
    const entries = items.filter((i): i is ChecksumEntry => i.kind === 'entry');
    // A sidecar names its file, or holds one bare digest, or a single line for it.
    return (
      pickEntry(text, suffix, base, source) ??
      (entries.length === 1
        ? { source, algorithm: entries[0]!.algorithm, hex: entries[0]!.expected }
        : { source, error: entries.length === 0 ? 'sidecar is empty' : `no line names ${base}` })
    );
  }
  // A delivery's manifest may sit in the object's folder or in one above it, naming `sub/file` relative to itself.
  const parts = key.split('/').slice(0, -1);
  for (let depth = parts.length; depth >= Math.max(0, parts.length - MANIFEST_LEVELS); depth--) {
    const dir = parts
      .slice(0, depth)
      .map((p) => `${p}/`)
      .join('');
    const relative = key.slice(dir.length);
    for (const name of MANIFEST_NAMES) {
      const text = await readSmallText(store, bucket, `${dir}${name}`, signal);
      if (text === null) continue;
      const found = pickEntry(text, name, relative, `s3://${bucket}/${dir}${name}`);
      if (found) return found;
    }
  }
  for (const [metaKey, algorithm] of METADATA_KEYS) {
    const value = metadata[metaKey];
    if (value) return { source: `metadata:x-amz-meta-${metaKey}`, algorithm, hex: value.toLowerCase() };
  }
  const md5 = useEtag ? etagMd5(info) : null;
  return md5 ? { source: 'etag', algorithm: 'md5', hex: md5 } : null;
}
