/**
 * FieldScanner indexes the fields of one bpdbjobs -all_columns/-most_columns line without splitting it: field
 * boundaries go into a reused Int32Array, numbers are read straight from the characters, and only the fields a
 * record keeps become strings. Escapes: `\,` is a comma inside a value; `\\` before a separator is one backslash.
 * (Splitting every line into ~70 strings cost more than the rest of the parse together.)
 */
export class FieldScanner {
  private ends: Int32Array = new Int32Array(256);
  private line = '';
  private escaped = false;
  count = 0;

  /** scan indexes a line; it returns the number of fields. */
  scan(line: string): number {
    this.line = line;
    this.escaped = line.indexOf('\\') !== -1;
    let n = 0;
    let from = 0;
    for (;;) {
      let comma = line.indexOf(',', from);
      // A comma after one backslash (not two) is part of the value.
      while (this.escaped && comma > 0 && line.charCodeAt(comma - 1) === 92 && !(comma > 1 && line.charCodeAt(comma - 2) === 92)) comma = line.indexOf(',', comma + 1);
      if (n === this.ends.length) {
        const grown = new Int32Array(this.ends.length * 2);
        grown.set(this.ends);
        this.ends = grown;
      }
      if (comma === -1) {
        this.ends[n++] = line.length;
        break;
      }
      this.ends[n++] = comma;
      from = comma + 1;
    }
    this.count = n;
    return n;
  }

  private start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]! + 1;
  }

  /** text returns field i as a string, unescaped (undefined past the end). */
  text(i: number): string | undefined {
    if (i >= this.count) return undefined;
    const raw = this.line.slice(this.start(i), this.ends[i]);
    if (!this.escaped || raw.indexOf('\\') === -1) return raw;
    let value = raw.replace(/\\,/g, ',');
    if (value.endsWith('\\\\') && i < this.count - 1) value = value.slice(0, -1);
    return value;
  }

  /** int returns field i as an integer, or null when it is empty, not an integer, or past the end. */
  int(i: number): number | null {
    if (i >= this.count) return null;
    const line = this.line;
    let s = this.start(i);
    let e = this.ends[i]!;
    while (s < e && line.charCodeAt(s) === 32) s++;
    while (e > s && line.charCodeAt(e - 1) === 32) e--;
    if (s === e) return null;
    const negative = line.charCodeAt(s) === 45;
    let k = negative ? s + 1 : s;
    if (k === e) return null;
    let n = 0;
    for (; k < e; k++) {
      const c = line.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return null;
      n = n * 10 + c;
    }
    return negative ? -n : n;
  }

  /** isEmpty tells whether field i is empty or blank. */
  isEmpty(i: number): boolean {
    if (i >= this.count) return true;
    for (let k = this.start(i); k < this.ends[i]!; k++) if (this.line.charCodeAt(k) !== 32) return false;
    return true;
  }

  /** texts returns fields [from, to) as strings. */
  texts(from: number, to: number): string[] {
    const out: string[] = [];
    for (let i = from; i < to && i < this.count; i++) out.push(this.text(i)!);
    return out;
  }
}
