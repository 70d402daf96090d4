export { readLineBatches, readLineBlocks, readLineChunks, readLines, blockLine, sourceOf, makeReject, isReject } from './read-lines.ts';
export type { NumberedLine, Reject, LineOptions, LineChunk, LineBlock } from './read-lines.ts';
