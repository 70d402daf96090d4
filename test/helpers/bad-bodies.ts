// bad-bodies holds the bodies a caller might send by mistake to a function that takes no options, and a raw poster.
import { TEST_TOKEN } from './serve-handler.ts';

/** BAD_BODIES are bodies a caller might send by mistake: none may start a run. */
export const BAD_BODIES: Array<[string, string | Uint8Array, number, string]> = [
  ['malformed JSON', '{"full": tru', 400, 'BAD_JSON'],
  ['binary', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0xff]), 400, 'BAD_JSON'],
  ['an unknown option', '{"full":true}', 400, 'BAD_REQUEST'],
  ['an array', '[]', 400, 'BAD_REQUEST'],
  ['a string', '"run"', 400, 'BAD_REQUEST'],
  ['2 MB sent chunked', JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE'],
];

/** postRaw posts `body` as it is; a string over 1 MB goes chunked (no content-length), as a streaming client sends it. */
export async function postRaw(
  url: string,
  body: string | Uint8Array,
): Promise<{ status: number; body: { error?: { code: string; details: Array<{ field?: string }> } } }> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const chunked = bytes.length > 1024 * 1024;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
      controller.close();
    },
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: chunked ? stream : bytes,
    ...(chunked ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: res.status, body: (await res.json()) as never };
}
