/** The answer past the budget: 503 over HTTP, UNAVAILABLE over gRPC, both retried by exporters. */
export const HELD_TOO_MUCH = 'llmtop holds too many request bodies at once';

/**
 * Bytes of request bodies held at once, from the read to the answer, as sent and decompressed:
 * each body has its own limit, and this one is shared by OTLP/HTTP and gRPC, so that many large
 * exports at once are refused (and retried) instead of held. When nothing is held, one request
 * is let in whatever its size, so that a body within its own limit is never refused for good.
 */
export class HeldBytes {
  private held = 0;

  constructor(private readonly limit: number) {}

  /** One request's share: taken as its body is known, given back all at once when it is answered. */
  claim(): { take: (n: number) => boolean; release: () => void } {
    let mine = 0;
    return {
      take: (n) => {
        if (this.held > 0 && this.held + n > this.limit) return false;
        this.held += n;
        mine += n;
        return true;
      },
      release: () => {
        this.held -= mine;
        mine = 0;
      },
    };
  }
}
