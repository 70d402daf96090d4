import { isOpsError, opsError } from './errors.ts';
import { TextResponse, type HandlerRequest } from './web.ts';

/** json builds a JSON response (a TextResponse: the server writes its text to the socket at once). */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new TextResponse(`${JSON.stringify(body)}\n`, status, {
    'content-type': 'application/json',
    ...headers,
  }) as unknown as Response;
}

/** knownText is the body json() gave a response, when it did and nothing has read it yet. */
export function knownText(response: Response): string | undefined {
  return response instanceof TextResponse && !response.bodyUsed ? response.bodyText : undefined;
}

/** bodyStream yields the request body chunk by chunk (the server has already bounded its size). */
export async function* bodyStream(req: HandlerRequest): AsyncGenerator<Uint8Array> {
  if (!req.body) return;
  const reader = req.body.getReader();
  try {
    for (;;) {
      const { done, value } = await readChunk(reader);
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }> {
  try {
    return (await reader.read()) as { done: true; value?: undefined } | { done: false; value: Uint8Array };
  } catch (err) {
    // The size-limit stream errors with an OpsError; undici may wrap it.
    if (isOpsError(err)) throw err;
    const cause = (err as { cause?: unknown }).cause;
    if (isOpsError(cause)) throw cause;
    throw err;
  }
}

/** wholeBodies: for a request the server made, how to read its body at once, skipping the web stream. */
export const wholeBodies = new WeakMap<object, () => Promise<Buffer> | undefined>();

/** readText reads the whole (size-bounded) body as UTF-8. */
export async function readText(req: HandlerRequest): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

/** readBytes reads the whole (size-bounded) body as it came. */
export async function readBytes(req: HandlerRequest): Promise<Buffer> {
  const whole = wholeBodies.get(req)?.();
  if (whole) return whole;
  const chunks: Uint8Array[] = [];
  for await (const chunk of bodyStream(req)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** readJson parses the body as JSON; bad JSON is a 400 BAD_JSON naming the position. An empty body is `undefined`. */
export async function readJson(req: HandlerRequest): Promise<unknown> {
  return (await readJsonText(req)).value;
}

/** readJsonText is readJson that also gives the text it parsed (valid JSON whenever `value` is defined). */
export async function readJsonText(req: HandlerRequest): Promise<{ value: unknown; text: string }> {
  const text = await readText(req);
  if (text.trim() === '') return { value: undefined, text };
  try {
    return { value: JSON.parse(text), text };
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const detail = position === undefined ? { reason: message } : { reason: message, field: `body@${position}` };
    throw opsError('BAD_JSON', `request body is not valid JSON: ${message}`, [detail]);
  }
}

/** mediaType is the request's content-type without parameters, lower-cased ('' when absent). */
export function mediaType(req: HandlerRequest): string {
  return (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * readEmptyOptions accepts the body of a call that takes no options: empty, or the JSON object `{}`. Anything else is
 * BAD_JSON or BAD_REQUEST naming the field, so a stray or mistaken body does not start a full run.
 */
export async function readEmptyOptions(req: HandlerRequest, what: string): Promise<void> {
  const body = await readJson(req);
  if (body === undefined) return;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw opsError('BAD_REQUEST', `${what} takes no body, or the JSON object {}`, [
      { field: '/', reason: 'must be empty or {}' },
    ]);
  }
  const extra = Object.keys(body);
  if (extra.length > 0)
    throw opsError(
      'BAD_REQUEST',
      `${what} takes no options: ${extra.slice(0, 5).join(', ')}`,
      extra.slice(0, 20).map((name) => ({ field: `/${name}`, reason: 'is not an allowed property' })),
    );
}
