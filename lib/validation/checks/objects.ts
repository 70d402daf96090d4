import { MANIFEST_NAMES, SIDECAR_SUFFIXES } from '#lib/integrity/index.ts';

/** isChecksumFile tells the sidecars and manifests apart from the delivered data they describe. */
export function isChecksumFile(key: string): boolean {
  return SIDECAR_SUFFIXES.some((s) => key.endsWith(s)) || MANIFEST_NAMES.includes(key.split('/').pop() ?? '');
}
