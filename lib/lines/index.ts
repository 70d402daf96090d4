export { readLineBatches, readLines, sourceOf, makeReject, isReject } from './read-lines.ts';
export type { NumberedLine, Reject, LineOptions } from './read-lines.ts';
