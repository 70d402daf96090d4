import { closeSync, openSync, writeSync } from 'node:fs';

/** writePatternFile writes `mib` MiB of a deterministic, incompressible-enough pattern (the benches' input). */
export function writePatternFile(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) {
    for (let j = 0; j < block.length; j += 4) block.writeUInt32LE((i * 2654435761 + j) >>> 0, j);
    writeSync(fd, block);
  }
  closeSync(fd);
}
