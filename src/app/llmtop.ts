import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, send } from '../api/routes.js';
import { Ingest } from '../ingest/ingest.js';
import { Assembler } from '../normalize/assemble.js';
import { Prices, contextPercent, resolveCost } from '../pricing/index.js';
import { Relay, type RelayStatus } from '../forward/relay.js';
import { guard } from '../receiver/access.js';
import { startGrpc, type GrpcReceiver } from '../receiver/grpc.js';
import { HeldBytes } from '../receiver/held-bytes.js';
import { handleOtlp } from '../receiver/otlp-handler.js';
import { TurnBudget } from '../receiver/turn-budget.js';
import type { Signal } from '../otlp/request.js';
import type { LiveStats } from '../stats/live-stats.js';
import type { RunIndex } from '../stats/runs.js';
import { CallStore } from '../store/call-store.js';
import { storeWriter } from '../store/writer.js';
import { wordsQuery } from '../domain/search.js';
import type { CallMatches } from '../domain/call.js';
import type { SessionDetail, SessionQuery, SessionSummary } from '../domain/session.js';
import { sessionsFromStore } from '../stats/sessions.js';
import { CacheWatch } from '../stats/cache-watch.js';
import { LoopWatch } from '../stats/loops.js';
import type { LoopAlert } from '../domain/loop.js';
import type { Money, MoneySource } from '../domain/money.js';
import { LOCAL_CALENDAR, type Calendar } from '../stats/burn.js';
import { BudgetMonitor } from './budget.js';
import type { SourcesReport } from '../domain/sources.js';
import { hintsFor, unpricedHints } from '../sources/hints.js';
import { SourceTracker } from '../sources/tracker.js';
import { busyGrpcPortMessage, busyHttpPortMessage } from './busy-port.js';
import { LIMITS, type Config } from './config.js';
import { liveFromStore } from './live-from-store.js';
import { MoneyMeter } from './money.js';
import { CaptureMeter } from './capture.js';
import { startProxy, type ProviderProxy } from '../proxy/server.js';
import type { Upstream } from '../proxy/routes.js';
import type { CaptureCounts } from '../domain/sources.js';

/** llmtop could not start: one line for the user. */
export class StartError extends Error {}

export interface Running {
  /** host:port actually listened on. */
  address: string;
  port: number;
  stats: LiveStats;
  /** Calls grouped by trace into runs. */
  runs: RunIndex;
  store: CallStore;
  /** The OTLP/gRPC port listened on, or null. */
  grpcPort: number | null;
  /** The --forward relay's state, when there is one. */
  relay: (() => RelayStatus) | null;
  /** Burn rate over a window, and the --budget's state. */
  money: MoneySource;
  /** Loops and retry storms flagged as the calls are stored; subscribe with `onLoop`. */
  loops: LoopWatch;
  /** Sessions' calls whose prompt cache went cold, marked as the calls are stored. */
  cache: Pick<CacheWatch, 'mark'>;
  /** Checks the --budget every second; subscribe with `onCrossing`. Null without --budget. */
  budget: BudgetMonitor | null;
  /** Who sends what, and what their telemetry lacks: the Sources view and /api/v1/sources. */
  sources: () => SourcesReport;
  /** The sessions with a call in the window, each over its whole history; and one session with its turns. */
  sessions: (q: SessionQuery) => SessionSummary[];
  session: (id: string) => SessionDetail | undefined;
  /** The stored calls whose text holds every word typed, newest stored first, and how many: the TUI's `/`. */
  search: (words: string, limit: number) => CallMatches;
  /** The provider proxy, when on: its address and where each provider goes. */
  proxy: { origin: string; port: number; upstreams: readonly Upstream[] } | null;
  /** The window's calls by how they came (proxy, OTLP), for the header; null without the proxy. */
  capture: ((windowMs: number) => CaptureCounts) | null;
  /** Commits what is queued, stops listening and closes the store. */
  close(): Promise<void>;
}

const BUDGET_CHECK_MS = 1000;

const SIGNALS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

/** The composition root: store, statistics, assembler and the HTTP server on one port. */
export async function startLlmtop(
  config: Config,
  now: () => number = Date.now,
  limits: typeof LIMITS = LIMITS,
  calendar: Calendar = LOCAL_CALENDAR,
  /** What llmtop has to say while it starts (a search index being built), a line at a time. */
  say: (line: string, progress: boolean) => void = () => {},
): Promise<Running> {
  const prices = Prices.load(config.pricingFile);
  const store = new CallStore({ path: config.db, maxCalls: config.maxCalls, retentionMs: config.retentionMs, now });
  store.commit({ upserted: [], deleted: [] }); // applies --retention and --max-calls to an existing file
  // Estimated costs follow the prices: a new --pricing file, or newer bundled prices, fix the stored calls too.
  store.reprice(prices.fingerprint, (c) => ({ ...resolveCost(prices, c), contextPercent: contextPercent(prices, c) }));
  // A file from an older llmtop gets its search index once.
  if (store.searchIndexIncomplete) {
    say(`indexing ${store.size.toLocaleString('en-US')} stored calls for search (once)`, false);
    store.buildSearchIndex((done, total) => say(`indexing for search: ${total === 0 ? 100 : Math.floor((done / total) * 100)}%`, true));
  }
  const { stats, runs } = liveFromStore(store, prices, limits, now);

  const assembler = new Assembler({
    resolveCost: (c) => resolveCost(prices, c),
    contextPercent: (c) => contextPercent(prices, c),
    keepContent: config.content,
    servicesWithCalls: store.servicesWithCalls(),
    matchProxy: config.proxy !== null,
  });
  const loops = new LoopWatch(config.loop, now);
  const cache = new CacheWatch();
  // Started after the work above, which the main connection did alone.
  const writer = storeWriter(store);
  const ingest = new Ingest({
    assembler,
    commit: (changes) => writer.commit(changes),
    onCommitted: (c, spans) => {
      stats.apply(c);
      runs.apply(c, spans);
      loops.observe(c.upserted);
      cache.observe(c.upserted);
    },
    maxPending: limits.maxPending,
    maxPerCommit: limits.maxPerCommit,
  });
  const startedAt = now();
  // OTLP requests answered with an error, by HTTP status: /healthz shows what was refused.
  const refused: Record<number, number> = {};
  const meter = new MoneyMeter({ live: (s) => stats.costSince(s), query: (spec) => store.query(spec), version: () => stats.version, now, calendar });
  const budget = config.budget
    ? new BudgetMonitor({ budget: config.budget, now, calendar, startedAt, spentSince: (startMs) => meter.spentSince(startMs) })
    : null;
  const money: MoneySource = {
    read: (windowMs) => ({ burn: meter.burn(windowMs), budget: budget?.status() ?? null }),
    get version() {
      return budget?.crossings ?? 0;
    },
  };
  const tracker = new SourceTracker({ now });
  const { sessions, session } = sessionsFromStore(store, now);
  let proxy: ProviderProxy | null = null;
  const sources = (): SourcesReport => ({
    sources: tracker.list(),
    hints: [
      ...hintsFor(tracker.serviceEvidence()),
      ...unpricedHints(stats.summary({ windowMs: config.windowMs, groupBy: ['service', 'provider', 'model'], filter: {} }).groups),
    ],
    proxy: proxy?.activity() ?? null,
  });
  const relay = config.forward ? new Relay({ url: config.forward, maxQueued: limits.relayQueue, maxQueuedBytes: limits.relayQueueBytes, minBackoffMs: 200, maxBackoffMs: 10_000 }) : null;
  const heldBodies = new HeldBytes(limits.maxHeldBodyBytes);
  const decodeTurn = new TurnBudget(limits.decodeMsPerTurn);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (guard(req, res, url.pathname, { token: config.token, corsOrigins: config.corsOrigins })) return;
    const signal = SIGNALS[url.pathname];
    const done = (p: Promise<void> | void) =>
      Promise.resolve(p).catch((err: Error) => {
        if (!res.headersSent) send(res, 500, { error: err.message });
      });
    if (signal) {
      return done(
        handleOtlp(signal, req, res, {
          submit: (item) => ingest.submit(item),
          turn: decodeTurn.run,
          maxBodyBytes: limits.maxBodyBytes,
          held: heldBodies,
          retryAfterSeconds: limits.retryAfterSeconds,
          onRequest: (_signal, status) => {
            if (status !== 200) refused[status] = (refused[status] ?? 0) + 1;
          },
          onAccepted: relay ? (s, body, contentType, contentEncoding) => relay.offer({ signal: s, body, contentType, contentEncoding }) : undefined,
          onDecoded: (meta, request, item) => tracker.decoded(meta, request, item),
          onRefused: (meta, status, reason) => tracker.refused(meta, status, reason),
        }),
      );
    }
    const handled = handleApi(req, res, url, {
      stats,
      runs,
      sessions,
      session,
      calls: (q) => store.calls(q),
      matching: (q) => store.matching(q),
      call: (id, timeMs) => store.call(id, timeMs),
      errors: (windowMs, filter) => stats.errors(windowMs, filter),
      pricer: prices,
      models: () => store.models(),
      now,
      query: (spec) => stats.query(spec) ?? store.query(spec),
      defaultWindowMs: config.windowMs,
      sources,
      health: () => ({
        pid: process.pid,
        calls: store.size,
        uptimeSeconds: Math.round((now() - startedAt) / 1000),
        refused: { ...refused },
        ...(relay ? { relay: relay.snapshot() } : {}),
        ...moneyJson(money.read(config.windowMs)),
        loops: { flagged: loops.total, recent: loops.alerts(now() - config.windowMs).map(loopJson) },
      }),
    });
    if (!handled) {
      req.resume();
      send(res, 404, { error: `no such path: ${url.pathname}` });
    }
  });
  server.keepAliveTimeout = 30_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await writer.close();
    store.close();
    const e = err as NodeJS.ErrnoException;
    throw new StartError(e.code === 'EADDRINUSE' ? await busyHttpPortMessage(config.host, config.port) : listenError(e, config));
  }
  const port = (server.address() as AddressInfo).port;
  let grpcReceiver: GrpcReceiver | null = null;
  if (config.grpcPort !== null) {
    try {
      grpcReceiver = await startGrpc(config.host, config.grpcPort, {
        submit: (item) => ingest.submit(item),
        turn: decodeTurn.run,
        maxMessageBytes: limits.maxBodyBytes,
        held: heldBodies,
        token: config.token,
        onAccepted: relay ? (s, body) => relay.offer({ signal: s, body, contentType: 'application/x-protobuf', contentEncoding: undefined }) : undefined,
        onDecoded: (meta, request, item) => tracker.decoded(meta, request, item),
        onRefused: (meta, status, reason) => tracker.refused(meta, status, reason),
      });
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writer.close();
      store.close();
      const busy = /address already in use|EADDRINUSE/i.test((err as Error).message);
      throw new StartError(
        busy ? await busyGrpcPortMessage(config.host, config.grpcPort) : `cannot listen for OTLP/gRPC on ${config.host}:${config.grpcPort}: ${(err as Error).message}`,
      );
    }
  }
  if (config.proxy) {
    const p = config.proxy;
    try {
      // Loopback whatever --host says: the app runs on this machine, and keys pass through.
      proxy = await startProxy({
        host: '127.0.0.1',
        port: p.port,
        upstreams: p.upstreams,
        service: p.service,
        ca: p.ca,
        now,
        record: (f) => ingest.submit({ fragments: [f], links: [], metrics: [], spans: [], modelless: [] }),
      });
    } catch (err) {
      await grpcReceiver?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writer.close();
      store.close();
      const e = err as NodeJS.ErrnoException;
      throw new StartError(
        e.code === 'EADDRINUSE' ? `port ${p.port} on 127.0.0.1 is already in use (--proxy-port); pick another, or leave it out for a free one` : `cannot start the provider proxy: ${e.message}`,
      );
    }
  }
  const capture = proxy ? new CaptureMeter({ query: (spec) => store.query(spec), version: () => stats.version, now }) : null;
  // Cheap when idle: the period's sum is remembered until a call arrives.
  const budgetTimer = budget ? setInterval(() => budget.check(), BUDGET_CHECK_MS) : null;
  budgetTimer?.unref();
  const hostText = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  return {
    address: `${hostText}:${port}`,
    port,
    stats,
    runs,
    store,
    grpcPort: grpcReceiver?.port ?? null,
    relay: relay ? () => relay.snapshot() : null,
    money,
    budget,
    loops,
    cache,
    sources,
    sessions,
    session,
    search: (words, limit) => {
      const q = wordsQuery(words);
      return q === null ? { calls: [], matched: 0 } : { calls: store.calls({ limit, q }), matched: store.matching({ limit, q }) };
    },
    proxy: proxy && { origin: proxy.origin, port: proxy.port, upstreams: proxy.upstreams },
    capture: capture && ((windowMs) => capture.counts(windowMs)),
    close: () =>
      // The proxy first: the calls it is still recording go into the store before it closes.
      (closing ??= Promise.resolve(proxy?.close()).then(() => grpcReceiver?.close()).then(() => new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })).then(() => {
        relay?.close();
        if (budgetTimer) clearInterval(budgetTimer);
      })).then(() => ingest.flush()).then(() => writer.close()).then(() => store.close()),
  };
}

function listenError(err: NodeJS.ErrnoException, config: Config): string {
  if (err.code === 'EACCES') return `no permission to listen on ${config.host}:${config.port}; try a port above 1023`;
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return `cannot listen on ${config.host}: no such local address`;
  return `cannot listen on ${config.host}:${config.port}: ${err.message}`;
}

/** A loop as /healthz shows it: times in ISO form. */
export function loopJson({ firstMs, lastMs, flaggedMs, ...a }: LoopAlert): Record<string, unknown> {
  return { ...a, first: new Date(firstMs).toISOString(), last: new Date(lastMs).toISOString(), flagged: new Date(flaggedMs).toISOString() };
}

/** /healthz's `burn` and `budget` (null without --budget). */
function moneyJson({ burn, budget }: Money): Record<string, unknown> {
  return {
    burn: {
      windowSeconds: burn.windowMs / 1000,
      perMinuteUsd: burn.perMinuteUsd,
      perHourUsd: burn.perHourUsd,
      hourProjectionUsd: burn.hourProjectionUsd,
      dayProjectionUsd: burn.dayProjectionUsd,
    },
    budget: budget && {
      limitUsd: budget.budget.limitUsd,
      period: budget.budget.period,
      periodStart: new Date(budget.periodStartMs).toISOString(),
      spentUsd: budget.spentUsd,
      share: budget.share,
      lastCrossing: budget.lastCrossing && { level: budget.lastCrossing.level, time: new Date(budget.lastCrossing.atMs).toISOString() },
    },
  };
}
