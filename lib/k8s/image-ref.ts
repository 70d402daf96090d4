/**
 * Image references as the kubelet reports them (reference: kubernetes.md §3). `status.imageID` depends on the
 * runtime: containerd `docker.io/library/nginx@sha256:…`, CRI-O `quay.io/…@sha256:…`, dockershim
 * `docker-pullable://nginx@sha256:…`; a bare `sha256:<id>` (or `docker://sha256:…`) is an image *config* id that
 * no registry digest can be compared with; `""` means the container has not started.
 */
export type RunningImage =
  | { kind: 'digest'; repository: string; digest: string }
  | { kind: 'config-id'; id: string }
  | { kind: 'not-started' };

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** isDigest says whether a string is a registry digest `sha256:<64 hex>`. */
export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/**
 * normalizeRepository gives the canonical repository name, as containerd does: `nginx` → `docker.io/library/nginx`,
 * `istio/base` → `docker.io/istio/base`; a first component with a dot, a colon or `localhost` is a registry host.
 */
export function normalizeRepository(name: string): string {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return first === 'index.docker.io' ? `docker.io${name.slice(slash)}` : name;
  return slash < 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
}

/** parseImageID reads a container status `imageID` into a comparable digest, a config id, or not-started. */
export function parseImageID(imageID: string | undefined): RunningImage {
  let rest = (imageID ?? '').trim();
  if (rest === '') return { kind: 'not-started' };
  rest = rest.replace(/^docker-pullable:\/\//, '').replace(/^docker:\/\//, '');
  const at = rest.lastIndexOf('@');
  if (at > 0 && isDigest(rest.slice(at + 1)))
    return { kind: 'digest', repository: normalizeRepository(rest.slice(0, at)), digest: rest.slice(at + 1) };
  return { kind: 'config-id', id: rest };
}

/** ImageSpec is a `spec.containers[].image` split into repository, tag and digest (either may be absent). */
export interface ImageSpec {
  repository: string;
  tag?: string;
  digest?: string;
}

/** parseImageSpec splits `registry/repo:tag@sha256:…`; a tag-less, digest-less reference means `:latest`. */
export function parseImageSpec(image: string): ImageSpec {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const spec: ImageSpec = { repository: normalizeRepository(rest) };
  if (tag !== undefined) spec.tag = tag;
  else if (digest === undefined) spec.tag = 'latest';
  if (digest !== undefined) spec.digest = digest;
  return spec;
}
