import { createHash, type Hash } from 'node:crypto';

/**
 * PreparedBody is an object body made ahead of its PUT, piece by piece: its bytes in chunks and the SHA-256 the
 * signature needs. A caller that builds a large body across event-loop turns (alert-router's background snapshot)
 * thus never converts and hashes it in one long block.
 */
export interface PreparedBody {
  readonly chunks: readonly Buffer[];
  readonly length: number;
  readonly sha256: string;
}

export const isPreparedBody = (body: unknown): body is PreparedBody =>
  typeof body === 'object' &&
  body !== null &&
  Array.isArray((body as PreparedBody).chunks) &&
  typeof (body as PreparedBody).sha256 === 'string';

/** BodyBuilder collects text pieces as UTF-8 chunks, hashing each as it comes. */
export class BodyBuilder {
  readonly #hash: Hash = createHash('sha256');
  readonly #chunks: Buffer[] = [];
  #length = 0;

  add(text: string): void {
    const chunk = Buffer.from(text);
    this.#hash.update(chunk);
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  done(): PreparedBody {
    return { chunks: this.#chunks, length: this.#length, sha256: this.#hash.digest('hex') };
  }
}
