/** JobSummary is `bpdbjobs -summary -l`: the job counts per state of one master server. */
export interface JobSummary {
  kind: 'summary';
  line: number;
  master: string;
  counts: Record<string, number>;
}

const LABELS: Record<string, string> = {
  queued: 'queued',
  'waiting-to-retry': 'waitingToRetry',
  active: 'active',
  successful: 'successful',
  'partially successful': 'partiallySuccessful',
  failed: 'failed',
  incomplete: 'incomplete',
  suspended: 'suspended',
  total: 'total',
};

/** isSummaryHeader tells whether a line opens a `-summary -l` block. */
export function isSummaryHeader(line: string): boolean {
  return /^\s*Summary of jobs on\s+\S+/i.test(line);
}

/** summaryMaster reads the master server name of the block's first line. */
export function summaryMaster(line: string): string {
  return /^\s*Summary of jobs on\s+(\S+)/i.exec(line)![1]!;
}

/** summaryCount reads one `Label: N` line of the block, or null if the line is not one. */
export function summaryCount(line: string): [string, number] | null {
  const m = /^\s*([A-Za-z -]+?)\s*:\s*(\d+)\s*$/.exec(line);
  if (!m) return null;
  const key = LABELS[m[1]!.toLowerCase()];
  return key ? [key, Number(m[2])] : null;
}
