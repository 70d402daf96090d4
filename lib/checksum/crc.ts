import { crc32 as zlibCrc32 } from 'node:zlib';

function reflectedTable(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32C_TABLE = reflectedTable(0x82f63b78);
// POSIX cksum: CRC-32 with polynomial 0x04C11DB7, MSB first, no reflection (not zlib's reflected CRC-32).
const CKSUM_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Crc32 is zlib's CRC-32 (gzip, S3 x-amz-checksum-crc32), streamed. */
export class Crc32 {
  private value = 0;
  update(chunk: Uint8Array): void {
    this.value = zlibCrc32(chunk, this.value);
  }
  hex(): string {
    return (this.value >>> 0).toString(16).padStart(8, '0');
  }
}

/** Crc32c is CRC-32C (Castagnoli; S3 x-amz-checksum-crc32c, rhash --crc32c), streamed. */
export class Crc32c {
  private crc = 0xffffffff;
  update(chunk: Uint8Array): void {
    let c = this.crc;
    for (let i = 0; i < chunk.length; i++) c = CRC32C_TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
    this.crc = c;
  }
  hex(): string {
    return ((this.crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
  }
}

/** PosixCksum is the POSIX `cksum` CRC (HP-UX, coreutils cksum): the data, then its length, complemented. Decimal. */
export class PosixCksum {
  private crc = 0;
  private length = 0;
  update(chunk: Uint8Array): void {
    let c = this.crc;
    for (let i = 0; i < chunk.length; i++) c = ((c << 8) ^ CKSUM_TABLE[((c >>> 24) ^ chunk[i]!) & 0xff]!) >>> 0;
    this.crc = c;
    this.length += chunk.length;
  }
  value(): number {
    let c = this.crc;
    // The length follows the data, least significant byte first, only as many bytes as it needs.
    for (let n = this.length; n > 0; n = Math.floor(n / 256))
      c = ((c << 8) ^ CKSUM_TABLE[((c >>> 24) ^ (n & 0xff)) & 0xff]!) >>> 0;
    return ~c >>> 0;
  }
}
