import type { Signal } from '../otlp/request.js';

/** One accepted OTLP request, as it arrived: relayed unchanged. */
export interface RelayItem {
  signal: Signal;
  contentType: string;
  contentEncoding: string | undefined;
  body: Buffer;
}

export type RelayState = 'ok' | 'retrying' | 'dropping';

export interface RelayStatus {
  state: RelayState;
  url: string;
  queued: number;
  sent: number;
  dropped: number;
  lastError: string | null;
}

export interface RelayOptions {
  /** The upstream OTLP/HTTP base URL, such as http://collector:4318. */
  url: string;
  /** Requests held while the upstream is slow or down; beyond it the oldest are dropped. */
  maxQueued: number;
  /** Bytes of their bodies held likewise: exports of 100 KB each make 10,000 of them a gigabyte. */
  maxQueuedBytes: number;
  /** Backoff between retries, doubling up to the maximum. */
  minBackoffMs: number;
  maxBackoffMs: number;
  send?: typeof fetch;
}

/** Only these are worth retrying (the OTLP spec's list); any other answer drops the request. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * --forward: relays every accepted OTLP request to an upstream collector, in order, from a
 * bounded queue, with retries and backoff. It never blocks or slows local ingest: `offer`
 * only queues, and a full queue drops its oldest request.
 */
export class Relay {
  private readonly queue: RelayItem[] = [];
  private queuedBytes = 0;
  /** The request being sent or waiting to be retried; not in `queue`, never dropped. */
  private inflight: RelayItem | null = null;
  private sending = false;
  private closed = false;
  private backoffMs: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly status: RelayStatus;
  private readonly send: typeof fetch;

  constructor(private readonly opts: RelayOptions) {
    this.backoffMs = opts.minBackoffMs;
    this.send = opts.send ?? fetch;
    this.status = { state: 'ok', url: opts.url, queued: 0, sent: 0, dropped: 0, lastError: null };
  }

  offer(item: RelayItem): void {
    if (this.closed) return;
    this.queue.push(item);
    this.queuedBytes += item.body.length;
    // The newest stays, whatever its size: it is the one most worth relaying.
    while (this.queue.length > 1 && (this.queue.length > this.opts.maxQueued || this.queuedBytes > this.opts.maxQueuedBytes)) {
      this.queuedBytes -= this.queue.shift()!.body.length;
      this.status.dropped++;
      this.status.state = 'dropping';
    }
    this.pump();
  }

  snapshot(): RelayStatus {
    return { ...this.status, queued: this.queue.length + (this.inflight ? 1 : 0) };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private pump(): void {
    if (this.sending || this.timer || this.closed) return;
    if (!this.inflight) {
      this.inflight = this.queue.shift() ?? null;
      if (!this.inflight) return;
      this.queuedBytes -= this.inflight.body.length;
    }
    this.sending = true;
    void this.sendHead().finally(() => {
      this.sending = false;
      this.pump();
    });
  }

  private async sendHead(): Promise<void> {
    const item = this.inflight!;
    const headers: Record<string, string> = { 'content-type': item.contentType };
    if (item.contentEncoding) headers['content-encoding'] = item.contentEncoding;
    let retry: string | null;
    try {
      const res = await this.send(`${this.opts.url.replace(/\/$/, '')}/v1/${item.signal}`, { method: 'POST', headers, body: item.body });
      await res.arrayBuffer();
      if (res.ok) retry = null;
      else if (RETRYABLE.has(res.status)) retry = `upstream answered ${res.status}`;
      else {
        // A request the upstream refuses for good would block the queue forever.
        this.inflight = null;
        this.status.dropped++;
        this.status.lastError = `upstream refused a request with ${res.status}`;
        return;
      }
    } catch (err) {
      retry = (err as Error).message;
    }
    if (retry === null) {
      this.inflight = null;
      this.status.sent++;
      this.backoffMs = this.opts.minBackoffMs;
      if (this.status.state === 'retrying' || this.queue.length === 0) this.status.state = 'ok';
      return;
    }
    this.status.state = 'retrying';
    this.status.lastError = retry;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, this.backoffMs);
    this.timer.unref();
    this.backoffMs = Math.min(this.opts.maxBackoffMs, this.backoffMs * 2);
  }
}
