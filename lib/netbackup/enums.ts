/** JOB_TYPES names bpdbjobs `jobtype` codes (reference §4.1; 19 is undefined in every source). */
export const JOB_TYPES: Readonly<Record<number, string>> = {
  0: 'Backup',
  1: 'Archive',
  2: 'Restore',
  3: 'Verify',
  4: 'Duplicate',
  5: 'Import',
  6: 'Catalog backup',
  7: 'Vault',
  8: 'Label',
  9: 'Erase',
  10: 'Tape request',
  11: 'Clean',
  12: 'Format tape',
  13: 'Physical inventory',
  14: 'Qualification test',
  15: 'Catalog recovery',
  16: 'Media contents',
  17: 'Image cleanup',
  18: 'LiveUpdate',
  20: 'Replication',
  21: 'Import (AIR)',
  22: 'Backup From Snapshot',
  23: 'Replication (snap)',
  24: 'Import (snap)',
  25: 'Application state capture',
  26: 'Indexing',
  27: 'Index cleanup',
  28: 'Snapshot',
  29: 'SnapIndex',
  30: 'Activate Instant Recovery',
  31: 'Deactivate Instant Recovery',
  32: 'Reactivate Instant Recovery',
  33: 'Stop Instant Recovery',
  34: 'Instant Recovery',
};

/** JobState is the lifecycle state of a job (bpdbjobs `state` 0-5, REST `state`). */
export type JobState = 'queued' | 'active' | 'requeued' | 'done' | 'suspended' | 'incomplete';

/** JOB_STATES maps bpdbjobs `state` codes to names (reference §4.2). */
export const JOB_STATES: readonly JobState[] = ['queued', 'active', 'requeued', 'done', 'suspended', 'incomplete'];

/** SCHEDULE_TYPES names `schedule_type` codes (reference §4.3). */
export const SCHEDULE_TYPES: Readonly<Record<number, string>> = {
  0: 'Full',
  1: 'Differential incremental',
  2: 'User backup',
  3: 'User archive',
  4: 'Cumulative incremental',
};

/** REST_SCHEDULE_TYPES maps REST `scheduleType` enum names to the same labels. */
export const REST_SCHEDULE_TYPES: Readonly<Record<string, string>> = {
  FULL: 'Full',
  FULL_BACKUP: 'Full',
  DIFFERENTIAL_INCREMENTAL_BACKUP: 'Differential incremental',
  USER_BACKUP: 'User backup',
  USER_ARCHIVE: 'User archive',
  CUMULATIVE_INCREMENTAL_BACKUP: 'Cumulative incremental',
};

/** stateFromText reads a state written as text (plain report `Done`, REST `DONE`, `Waiting for retry`). */
export function stateFromText(text: string): JobState | null {
  const t = text.trim().toLowerCase();
  if (t === 'done') return 'done';
  if (t === 'active') return 'active';
  if (t === 'queued') return 'queued';
  if (t === 'requeued' || t.startsWith('waiting')) return 'requeued';
  if (t === 'suspended') return 'suspended';
  if (t === 'incomplete') return 'incomplete';
  return null;
}
