export { readLineBatches, readLineChunks, readLines, sourceOf, makeReject, isReject } from './read-lines.ts';
export type { NumberedLine, Reject, LineOptions, LineChunk } from './read-lines.ts';
