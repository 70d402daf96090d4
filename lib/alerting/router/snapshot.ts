import type { StateStore } from '#lib/storage/index.ts';
import type { RouterState } from './state.ts';

/** SNAPSHOT_KEY is the snapshot's manifest: the small parts of the state, its `journalSeq`, and where the rest is. */
export const SNAPSHOT_KEY = 'alert-router/state.json';
/** SNAPSHOT_PARTS_PREFIX holds the alerts and groups, in parts, in two sets used in turn (`a/`, `b/`). */
export const SNAPSHOT_PARTS_PREFIX = 'alert-router/snapshot/';
/** PART_SIZE is how many alerts (or groups) one part holds: about 2 MB of JSON for typical alerts. */
export const PART_SIZE = 5000;

/** SnapshotParts is where a manifest's alerts and groups are: `count` parts under `set`. */
interface SnapshotParts {
  set: 'a' | 'b';
  count: number;
}
type Manifest = Omit<RouterState, 'alerts' | 'groups'> & {
  parts?: SnapshotParts;
  alerts?: RouterState['alerts'];
  groups?: RouterState['groups'];
};
type Part = { alerts?: RouterState['alerts']; groups?: RouterState['groups'] };

/** StoredSnapshot is what a write or a read tells the store: the manifest's etag, its parts' set and the bytes written. */
export interface StoredSnapshot {
  etag: string;
  set?: 'a' | 'b';
  bytes: number;
}

/** READ_AHEAD is how many snapshot parts a cold start has in flight: memory grows by at most that many parts. */
const READ_AHEAD = 3;

const partKey = (set: string, index: number) => `${SNAPSHOT_PARTS_PREFIX}${set}/${String(index).padStart(4, '0')}.json`;

/** slices yields an object's entries as objects of `size` entries (keys in the object's order). */
function* slices<T>(record: Record<string, T>, size: number): Generator<Record<string, T>> {
  let part: Record<string, T> = {};
  let n = 0;
  for (const key in record) {
    part[key] = record[key]!;
    if (++n === size) {
      yield part;
      part = {};
      n = 0;
    }
  }
  if (n > 0) yield part;
}

/**
 * writeSnapshot streams the state to the bucket a part at a time: alerts and groups go into parts of PART_SIZE,
 * each serialized and written before the next is made, in the set the stored manifest does not use; the manifest
 * (everything else, and where the parts are) is written last, conditional on `etag`, so a crash mid-way leaves the
 * previous snapshot whole. No whole-state string or buffer is ever made: memory grows by one part, not by the
 * state. The caller keeps the state unchanged until it resolves (router-store runs it inside its change queue).
 */
export async function writeSnapshot(
  records: StateStore,
  state: RouterState,
  previous: { etag?: string; set?: 'a' | 'b' },
): Promise<StoredSnapshot> {
  const set = previous.set === 'a' ? 'b' : 'a';
  let count = 0;
  let bytes = 0;
  const put = async (part: Part) => {
    const text = `${JSON.stringify(part)}\n`;
    bytes += text.length;
    await records.writeText(partKey(set, count++), text);
  };
  for (const alerts of slices(state.alerts, PART_SIZE)) await put({ alerts });
  for (const groups of slices(state.groups, PART_SIZE)) await put({ groups });
  const { alerts: _alerts, groups: _groups, ...rest } = state;
  const manifest = `${JSON.stringify({ ...rest, parts: { set, count } })}\n`;
  bytes += manifest.length;
  const { etag } = await records.writeText(SNAPSHOT_KEY, manifest, previous.etag ? { ifMatch: previous.etag } : {});
  return { etag, set, bytes };
}

/**
 * readSnapshot reads the stored snapshot back a part at a time (null before the first one). A manifest without
 * parts is a snapshot from before they existed: the whole state in one object.
 */
export async function readSnapshot(
  records: StateStore,
): Promise<{ value: RouterState; stored: StoredSnapshot } | null> {
  const manifest = await records.read<Manifest>(SNAPSHOT_KEY);
  if (!manifest) return null;
  const { parts, ...rest } = manifest.value;
  const value = { ...rest, alerts: rest.alerts ?? {}, groups: rest.groups ?? {} } as RouterState;
  if (!parts) return { value, stored: { etag: manifest.etag, bytes: 0 } };
  // Up to READ_AHEAD parts are fetched while the earlier ones are parsed and merged (a cold start of 100 000 alerts
  // waits on the store for each part otherwise); they are merged in order, so the state is the one written.
  const fetches: Array<Promise<{ value: Part } | null>> = [];
  const fetchPart = (i: number) => {
    if (i >= parts.count) return;
    fetches[i] = records.read<Part>(partKey(parts.set, i));
    fetches[i]!.catch(() => undefined); // a read left in flight by an earlier failure must not be an unhandled rejection
  };
  for (let i = 0; i < READ_AHEAD; i++) fetchPart(i);
  for (let i = 0; i < parts.count; i++) {
    const part = await fetches[i]!;
    fetches[i] = Promise.resolve(null); // let the merged part be collected
    fetchPart(i + READ_AHEAD);
    if (!part) throw new Error(`snapshot part ${partKey(parts.set, i)} is missing`);
    if (part.value.alerts) Object.assign(value.alerts, part.value.alerts);
    if (part.value.groups) Object.assign(value.groups, part.value.groups);
  }
  return { value, stored: { etag: manifest.etag, set: parts.set, bytes: 0 } };
}
