import type { Sender } from '../domain/sources.js';
import type { Normalized } from '../normalize/index.js';
import type { Attrs, OtlpRequest, Signal } from '../otlp/request.js';

/** How a request arrived, as the receiver knows it before decoding. */
export interface RequestMeta {
  signal: Signal;
  protocol: 'http' | 'grpc';
  encoding: string;
  compression: string;
  /** User agent and peer address: ties a refused, undecoded request to the sender that sent it. */
  client: string;
}

/** What a service's telemetry carries, counted from its normalized layers since start. */
export interface ServiceEvidence {
  service: string;
  /** Conventions its calls were read in (openlit, openllmetry, vercel-ai, claude-code, ...). */
  conventions: string[];
  languages: string[];
  calls: number;
  withText: number;
  withTokens: number;
  streamed: number;
  streamedWithTtft: number;
  modelless: number;
  modellessExample: string | null;
}

interface SenderState extends Omit<Sender, 'itemsPerSecond' | 'refused'> {
  firstSeenMs: number;
  client: string;
  /** Items per whole second, for the last minute. */
  perSecond: Map<number, number>;
  refused: Map<number, { count: number; reason: string }>;
}

const RATE_WINDOW_S = 60;
/** Agent CLIs redact prompt text by default: such text is no text. Anchored: a real prompt fails at its first characters, never copied. */
const REDACTED = /^\s*[<[]REDACTED[>\]]\s*$/i;

/**
 * Who sends what, fed by the receiver for every OTLP request: pure state with an injected clock,
 * capped in senders and services so a stream of random service names cannot grow it.
 */
export class SourceTracker {
  private readonly senders = new Map<string, SenderState>();
  private readonly services = new Map<string, ServiceEvidence>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(opts: { now: () => number; maxEntries?: number }) {
    this.now = opts.now;
    this.maxEntries = opts.maxEntries ?? 200;
  }

  decoded(meta: RequestMeta, request: OtlpRequest, normalized: Normalized): void {
    const now = this.now();
    for (const r of request.resources) {
      for (const s of r.scopes) {
        const sender = this.sender(r.resource.attributes, s.scope, meta, now);
        const n = request.signal === 'metrics' ? (s.items as { data: { type: string; points?: unknown[] } }[]).reduce((sum, m) => sum + (m.data.points?.length ?? 0), 0) : s.items.length;
        if (request.signal === 'traces') sender.items.spans += n;
        else if (request.signal === 'logs') sender.items.logs += n;
        else sender.items.metricPoints += n;
        const sec = Math.floor(now / 1000);
        sender.perSecond.set(sec, (sender.perSecond.get(sec) ?? 0) + n);
        for (const k of sender.perSecond.keys()) if (k <= sec - RATE_WINDOW_S) sender.perSecond.delete(k);
      }
    }
    const language = (attrs: Attrs) => String(attrs['telemetry.sdk.language'] ?? '');
    const languages = new Map<string, string>();
    for (const r of request.resources) languages.set(String(r.resource.attributes['service.name'] ?? ''), language(r.resource.attributes));
    for (const f of normalized.fragments) {
      const e = this.evidence(f.service);
      if (!e.conventions.includes(f.source)) e.conventions.push(f.source);
      const lang = languages.get(f.service);
      if (lang && !e.languages.includes(lang)) e.languages.push(lang);
      const text = [f.prompt, f.response].some((t) => t !== null && !REDACTED.test(t));
      if (text) e.withText++;
      if (f.role !== 'call') continue;
      e.calls++;
      if (f.inputTokens !== null || f.outputTokens !== null) e.withTokens++;
      if (f.streamed) {
        e.streamed++;
        if (f.ttftMs !== null) e.streamedWithTtft++;
      }
    }
    for (const m of normalized.modelless) {
      const e = this.evidence(m.service);
      e.modelless++;
      e.modellessExample ??= m.name;
    }
  }

  /** A refused request: to the senders of the request when it decoded, else to its client's senders. */
  refused(meta: RequestMeta, status: number, reason: string): void {
    const now = this.now();
    let targets = [...this.senders.values()].filter((s) => s.client === meta.client);
    if (targets.length === 0) {
      const anonymous = this.sender(EMPTY, { name: '', version: '' }, meta, now);
      anonymous.service = `unknown (${meta.client})`;
      targets = [anonymous];
    }
    for (const t of targets) {
      const r = t.refused.get(status) ?? { count: 0, reason };
      r.count++;
      r.reason = reason;
      t.refused.set(status, r);
      t.lastSeenMs = now;
    }
  }

  list(): Sender[] {
    const now = this.now();
    return [...this.senders.values()]
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs)
      .map((s) => {
        const sinceS = Math.floor(now / 1000) - RATE_WINDOW_S;
        let n = 0;
        for (const [sec, count] of s.perSecond) if (sec > sinceS) n += count;
        const spanS = Math.min(RATE_WINDOW_S, Math.max(1, (now - s.firstSeenMs) / 1000));
        return {
          service: s.service,
          sdk: s.sdk,
          scope: s.scope,
          protocol: s.protocol,
          encoding: s.encoding,
          compression: s.compression,
          lastSeenMs: s.lastSeenMs,
          itemsPerSecond: n / spanS,
          items: { ...s.items },
          refused: [...s.refused].map(([status, r]) => ({ status, ...r })),
        };
      });
  }

  serviceEvidence(): ServiceEvidence[] {
    return [...this.services.values()];
  }

  private sender(resource: Attrs, scope: { name: string; version: string }, meta: RequestMeta, now: number): SenderState {
    const str = (k: string) => (typeof resource[k] === 'string' ? (resource[k] as string) : '');
    const sdk = { name: str('telemetry.sdk.name'), language: str('telemetry.sdk.language'), version: str('telemetry.sdk.version') };
    const service = str('service.name') || 'unknown_service';
    const key = JSON.stringify([service, sdk, scope.name, scope.version, resource === EMPTY ? meta.client : '']);
    let s = this.senders.get(key);
    if (!s) {
      s = {
        service,
        sdk,
        scope: { name: scope.name, version: scope.version },
        protocol: meta.protocol,
        encoding: meta.encoding,
        compression: meta.compression,
        client: meta.client,
        firstSeenMs: now,
        lastSeenMs: now,
        items: { spans: 0, logs: 0, metricPoints: 0 },
        perSecond: new Map(),
        refused: new Map(),
      };
      evictOldest(this.senders, this.maxEntries, (v) => v.lastSeenMs);
      this.senders.set(key, s);
    }
    s.protocol = meta.protocol;
    s.encoding = meta.encoding;
    s.compression = meta.compression;
    s.client = meta.client;
    s.lastSeenMs = now;
    return s;
  }

  private evidence(service: string): ServiceEvidence {
    let e = this.services.get(service);
    if (!e) {
      e = { service, conventions: [], languages: [], calls: 0, withText: 0, withTokens: 0, streamed: 0, streamedWithTtft: 0, modelless: 0, modellessExample: null };
      // Services are few; the cap only guards against junk names, so the first seen go first.
      evictOldest(this.services, this.maxEntries, () => 0);
      this.services.set(service, e);
    }
    return e;
  }
}

const EMPTY: Attrs = {};

function evictOldest<V>(map: Map<string, V>, max: number, age: (v: V) => number): void {
  if (map.size < max) return;
  let oldest: string | null = null;
  let at = Infinity;
  for (const [k, v] of map) {
    if (age(v) < at) {
      at = age(v);
      oldest = k;
    }
  }
  if (oldest !== null) map.delete(oldest);
}
