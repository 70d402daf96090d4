// Anything JSON.stringify escapes in a string: quotes, backslashes, control characters, and surrogates (a lone one
// becomes \udxxx, a pair stays as it is: the slow path lets JSON.stringify decide).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
// Below this length a loop that checks and copies beats a regular expression and a native write.
const SHORT = 16;
const NULL = fragment('null');
const TRUE = fragment('true');
const FALSE = fragment('false');
const OPEN = fragment('[');
const COMMA = fragment(',');
const CLOSE = fragment(']');

// Buffer's own utf8Write skips write()'s argument juggling (an encoding name per call); it is what write() calls.
type Utf8Writable = Buffer & { utf8Write(text: string, offset: number): number };

/** fragment encodes a fixed piece of JSON (a key with its quotes and colon, a bracket) once, for JsonBytes.raw. */
export function fragment(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/**
 * JsonBytes writes JSON straight into large byte blocks, handed to `sink` as each fills (and on flush): no string per
 * record, no write per line. What it writes is byte for byte what JSON.stringify would give for the same values.
 */
export class JsonBytes {
  private block: Buffer;
  private at = 0;

  constructor(
    private readonly sink: (chunk: Buffer) => void,
    private readonly blockSize = 1 << 20,
  ) {
    this.block = Buffer.allocUnsafeSlow(blockSize);
  }

  /** pending is the byte count written since the last block went to the sink. */
  get pending(): number {
    return this.at;
  }

  /** flush hands what was written so far to the sink. */
  flush(): void {
    if (this.at === 0) return;
    this.sink(this.block.subarray(0, this.at));
    this.block = Buffer.allocUnsafeSlow(this.blockSize);
    this.at = 0;
  }

  /** raw copies a fragment as it is. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.at + n > this.block.length) this.makeRoom(n);
    const block = this.block;
    const at = this.at;
    // A short fragment is copied faster by a loop than by a native call.
    if (n > 12) block.set(bytes, at);
    else for (let i = 0; i < n; i++) block[at + i] = bytes[i]!;
    this.at = at + n;
  }

  /** string writes a JSON string. */
  string(text: string): void {
    const n = text.length;
    if (this.at + 3 * n + 2 > this.block.length) this.makeRoom(3 * n + 2);
    const block = this.block;
    let at = this.at;
    block[at++] = 34;
    if (n < SHORT) {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c < 32 || c === 34 || c === 92 || c > 126) return this.escaped(text);
        block[at++] = c;
      }
    } else {
      if (NEEDS_ESCAPE.test(text)) return this.escaped(text);
      at += (block as Utf8Writable).utf8Write(text, at);
    }
    block[at++] = 34;
    this.at = at;
  }

  /** stringOrNull writes a JSON string, or null. */
  stringOrNull(text: string | null): void {
    if (text === null) this.raw(NULL);
    else this.string(text);
  }

  /** number writes a number as JSON.stringify does (NaN and the infinities as null), or null. */
  number(value: number | null): void {
    if (value === null) return this.raw(NULL);
    if (!(value >= 0 && value < 2147483648 && (value | 0) === value))
      return this.utf8(Number.isFinite(value) ? `${value}` : 'null');
    if (this.at + 10 > this.block.length) this.makeRoom(10);
    let digits = 1;
    for (let v = value; v >= 10; v = (v / 10) | 0) digits++;
    const block = this.block;
    let at = this.at + digits;
    this.at = at;
    let v = value;
    do {
      const q = (v / 10) | 0;
      block[--at] = 48 + v - q * 10;
      v = q;
    } while (v > 0);
  }

  /** boolean writes true or false. */
  boolean(value: boolean): void {
    this.raw(value ? TRUE : FALSE);
  }

  /** stringArray writes an array of strings. */
  stringArray(items: readonly string[]): void {
    this.raw(OPEN);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.raw(COMMA);
      this.string(items[i]!);
    }
    this.raw(CLOSE);
  }

  /** valueLine writes anything as a JSON line through JSON.stringify: the way for the rare record of no known shape. */
  valueLine(value: unknown): void {
    this.utf8(`${JSON.stringify(value)}\n`);
  }

  private utf8(text: string): void {
    const bound = 3 * text.length;
    if (this.at + bound > this.block.length) this.makeRoom(bound);
    this.at += (this.block as Utf8Writable).utf8Write(text, this.at);
  }

  private escaped(text: string): void {
    // The opening quote already written is overwritten: JSON.stringify brings its own.
    this.utf8(JSON.stringify(text));
  }

  private makeRoom(bytes: number): void {
    this.flush();
    if (bytes > this.block.length) this.block = Buffer.allocUnsafeSlow(bytes);
  }
}
