import type { StateRecord, StateStore } from '#lib/storage/index.ts';
import { BodyBuilder, type PreparedBody } from '#lib/storage/prepared-body.ts';
import { stateTextInSlices, type RouterState } from './state.ts';

/** SNAPSHOT_KEY is the router's whole state as of its `journalSeq`. */
export const SNAPSHOT_KEY = 'alert-router/state.json';

/** SerializedSnapshot is a snapshot ready to write: its body, the journal record and byte count it covers. */
export interface SerializedSnapshot {
  body: PreparedBody;
  journalSeq: number;
  journalBytes: number;
  size: number;
}

/**
 * serializeSnapshot turns the state into the snapshot's body a slice of alerts per event-loop turn (state.ts),
 * straight into hashed UTF-8 chunks ready for the PUT. The caller keeps the state unchanged until it resolves.
 */
export async function serializeSnapshot(state: RouterState, journalBytes: number): Promise<SerializedSnapshot> {
  const body = new BodyBuilder();
  for await (const piece of stateTextInSlices(state)) body.add(piece);
  body.add('\n');
  const done = body.done();
  return { body: done, journalSeq: state.journalSeq ?? 0, journalBytes, size: done.length };
}

/** writeSnapshot stores a snapshot, conditional on the etag of the one it replaces when known. */
export function writeSnapshot(records: StateStore, snapshot: SerializedSnapshot, etag: string | undefined): Promise<{ etag: string }> {
  return records.writeText(SNAPSHOT_KEY, snapshot.body, etag ? { ifMatch: etag } : {});
}

/** readSnapshot reads the stored snapshot, or null before the first one. */
export function readSnapshot(records: StateStore): Promise<StateRecord<RouterState> | null> {
  return records.read<RouterState>(SNAPSHOT_KEY);
}
