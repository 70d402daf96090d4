import { stringify } from 'yaml';
import { isOpsError, opsError, type ErrorDetail } from '#lib/runtime/errors.ts';
import { compileValidator } from '#lib/runtime/validate.ts';
import { parseYamlWithLines, withLines } from '#lib/runtime/yaml.ts';
import { isDigest, parseImageSpec } from './image-ref.ts';

/**
 * ReleaseManifest is the record of the validated version: for every workload (`namespace/Kind/name`) and container,
 * the repository and the digests that were approved. Digests only: a tag names whatever was pushed last.
 */
export interface ReleaseManifest {
  release: string;
  approvedAt?: string;
  approvedBy?: string;
  workloads: ApprovedWorkload[];
}

export interface ApprovedWorkload {
  workload: string;
  subsystem?: string;
  containers: ApprovedContainer[];
}

export interface ApprovedContainer {
  name: string;
  /** repository, normalized (`docker.io/library/nginx`); a trailing `:tag` is kept for reading only. */
  image: string;
  /** approved digests: the index digest and, if wanted, each per-platform manifest digest. */
  digests: string[];
}

const schema = {
  type: 'object',
  required: ['release', 'workloads'],
  additionalProperties: false,
  properties: {
    release: { type: 'string', minLength: 1 },
    approvedAt: { type: 'string' },
    approvedBy: { type: 'string' },
    workloads: {
      type: 'array',
      items: {
        type: 'object',
        required: ['workload', 'containers'],
        additionalProperties: false,
        properties: {
          workload: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*/[A-Za-z]+/[a-z0-9][a-z0-9.-]*$' },
          subsystem: { type: 'string' },
          containers: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['name', 'image'],
              additionalProperties: false,
              properties: {
                name: { type: 'string', minLength: 1 },
                image: { type: 'string', minLength: 1 },
                digests: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
};

const validateShape = compileValidator<ReleaseManifest>(schema, 'release manifest');

/**
 * parseReleaseManifest reads a manifest (YAML or JSON) and rejects, with the line, anything that would make the
 * comparison meaningless: a tag with no digest, a malformed digest, a workload listed twice. `image: repo@sha256:…`
 * is accepted as a shorthand for one digest.
 */
export function parseReleaseManifest(text: string, source = 'release manifest'): ReleaseManifest {
  const parsed = parseYamlWithLines<unknown>(text, source, 'RELEASE_INVALID');
  let manifest: ReleaseManifest;
  try {
    manifest = validateShape(parsed.value);
  } catch (err) {
    if (!isOpsError(err)) throw err;
    throw opsError('RELEASE_INVALID', `${source}: ${err.message}`, withLines(err.details, parsed));
  }
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  manifest.workloads.forEach((w, wi) => {
    if (seen.has(w.workload))
      problems.push({ field: `/workloads/${wi}/workload`, reason: `${w.workload} is listed twice` });
    seen.add(w.workload);
    w.containers.forEach((c, ci) => {
      const at = `/workloads/${wi}/containers/${ci}`;
      const spec = parseImageSpec(c.image);
      const digests = [...(c.digests ?? []), ...(spec.digest ? [spec.digest] : [])];
      if (digests.length === 0) {
        problems.push({
          field: `${at}/image`,
          reason: `${w.workload} container ${c.name}: ${c.image} has ${spec.tag ? `tag ${spec.tag} and ` : ''}no digest; approve digests only (sha256:…)`,
        });
      }
      for (const [di, d] of digests.entries())
        if (!isDigest(d)) problems.push({ field: `${at}/digests/${di}`, reason: `${d} is not a sha256 digest` });
      c.digests = [...new Set(digests)];
      c.image = spec.repository;
    });
  });
  if (problems.length > 0) {
    const details = withLines(problems, parsed);
    throw opsError(
      'RELEASE_INVALID',
      `${source}: ${details.map((d) => `line ${d.line ?? '?'}: ${d.reason}`).join('; ')}`,
      details,
    );
  }
  return manifest;
}

/** formatReleaseManifest writes a manifest as YAML with a header saying what it is. */
export function formatReleaseManifest(manifest: ReleaseManifest): string {
  return `# cmp-ops approved release: the image digests validated for each workload (cmp-ops release approve)\n${stringify(manifest, { lineWidth: 0 })}`;
}

/** approvedIndex maps `workload` → container name → approved container, for lookups during a check. */
export function approvedIndex(
  manifest: ReleaseManifest,
): Map<string, { subsystem?: string; containers: Map<string, ApprovedContainer> }> {
  return new Map(
    manifest.workloads.map((w) => [
      w.workload,
      { ...(w.subsystem ? { subsystem: w.subsystem } : {}), containers: new Map(w.containers.map((c) => [c.name, c])) },
    ]),
  );
}
