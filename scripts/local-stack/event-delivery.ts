import type { TriggerTarget } from '#lib/triggers/index.ts';

/**
 * EventQueue delivers object events to one webhook target the way MinIO does with `queue_dir`: in order, one at a
 * time, each retried every `retryMs` until it gets a 2xx (so a poison event blocks the ones behind it, as in MinIO).
 */
export class EventQueue {
  readonly #pending: Array<Record<string, unknown>> = [];
  readonly #idle: Array<() => void> = [];
  #busy = false;
  #stopped = false;
  delivered = 0;
  retries = 0;

  constructor(
    readonly target: TriggerTarget,
    private readonly options: { url: string; token: () => string; retryMs: number; log: (line: string) => void },
  ) {}

  /** push queues one MinIO webhook body. */
  push(body: Record<string, unknown>): void {
    this.#pending.push(body);
    if (!this.#busy) void this.#drain();
  }

  /** idle resolves when every queued event was delivered. */
  idle(): Promise<void> {
    return !this.#busy && this.#pending.length === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.#idle.push(resolve));
  }

  stop(): void {
    this.#stopped = true;
    this.#idle.splice(0).forEach((resolve) => resolve());
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    while (this.#pending.length > 0 && !this.#stopped) {
      const body = this.#pending[0]!;
      const status = await this.#send(body);
      if (status >= 200 && status < 300) {
        this.#pending.shift();
        this.delivered++;
        continue;
      }
      this.retries++;
      this.options.log(
        `event ${String(body.EventName)} ${String(body.Key)} → ${this.target.function}: ${status === 0 ? 'unreachable' : status}, retrying in ${this.options.retryMs} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
    }
    this.#busy = false;
    this.#idle.splice(0).forEach((resolve) => resolve());
  }

  async #send(body: Record<string, unknown>): Promise<number> {
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token()}` },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}
