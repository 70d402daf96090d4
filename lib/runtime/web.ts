// Light stand-ins for the web Headers and Response objects the runtime hands to and takes from handlers, and the
// request surface handlers may rely on (HandlerRequest). undici's validate every header and build a body stream up
// front: about 50 µs for a small JSON answer and 20 µs to copy a request's headers, more than the rest of a small
// request's edge. These keep the same reading surface.

/**
 * HandlerRequest is the part of the web Request a handler gets: what the runtime's light request has (a real
 * Request has it too, so tests may pass one). Headers can be read, not written.
 */
export interface HandlerRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Pick<Headers, 'get' | 'has' | 'forEach' | 'entries' | 'keys' | 'values'>;
  readonly body: ReadableStream<Uint8Array> | null;
  readonly bodyUsed: boolean;
  readonly signal: AbortSignal;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** SimpleHeaders has the Headers surface over a plain map: names case-insensitive, iteration sorted by name. */
export class SimpleHeaders {
  readonly #map = new Map<string, string>();

  constructor(init: Record<string, string | string[] | undefined> = {}) {
    for (const [name, value] of Object.entries(init))
      if (value !== undefined) this.#map.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.#map.set(name.toLowerCase(), String(value));
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.#map.get(key);
    this.#map.set(key, before === undefined ? String(value) : `${before}, ${value}`);
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  getSetCookie(): string[] {
    const cookie = this.#map.get('set-cookie');
    return cookie === undefined ? [] : [cookie];
  }
  *entries(): IterableIterator<[string, string]> {
    yield* [...this.#map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  forEach(callback: (value: string, name: string, headers: SimpleHeaders) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }
}

/** TextResponse is a Response whose body is a text known at once (json() makes them; the server writes the text). */
export class TextResponse {
  readonly headers: Headers;
  readonly statusText = '';
  readonly type = 'default';
  readonly redirected = false;
  readonly url = '';
  #used = false;

  constructor(
    readonly bodyText: string,
    readonly status: number,
    headers: Record<string, string>,
  ) {
    this.headers = new SimpleHeaders(headers) as unknown as Headers;
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed(): boolean {
    return this.#used;
  }
  get body(): ReadableStream<Uint8Array> {
    this.#take();
    const bytes = new Uint8Array(Buffer.from(this.bodyText, 'utf8'));
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
  }
  async text(): Promise<string> {
    this.#take();
    return this.bodyText;
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text(), 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  #take(): void {
    if (this.#used) throw new TypeError('Body is unusable: the body has already been read');
    this.#used = true;
  }
}
