export { readLineBlocks, blockLine, sourceOf, makeReject, isReject } from './read-lines.ts';
export type { NumberedLine, Reject, LineOptions, LineBlock } from './read-lines.ts';
