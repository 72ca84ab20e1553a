import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyRoute, ProxySource } from '../domain/sources.js';
import type { Fragment } from '../normalize/fragment.js';
import { anthropic } from './anthropic.js';
import { exchangeFragment, type Exchange } from './exchange.js';
import { gemini } from './gemini.js';
import { secretsOf } from './keys.js';
import { openai } from './openai.js';
import type { Endpoint, Protocol } from './protocol.js';
import { endToEnd, openUpstream, upstreamAgents, type UpstreamAgents } from './relay.js';
import { routeOf, type RouteId, type Upstream } from './routes.js';
import { AnswerTap, type Tapped } from './tap.js';

/*
 * The provider proxy: a pass-through HTTP server on loopback that relays each request to its
 * provider unchanged and passes the answer back chunk by chunk as it comes, while reading a copy
 * of both to record the call. Nothing waits on the recording: the app's bytes go first.
 */

const PROTOCOLS: Record<RouteId, Protocol> = { openai, anthropic, gemini };

/** A request body up to this size is read for the prompt and model; a larger one is relayed unread. */
export const MAX_REQUEST_READ_BYTES = 8 * 1024 * 1024;

export interface ProxyOptions {
  /** Loopback only: the proxy refuses other peers and other Host names whatever this says. */
  host: string;
  /** 0 for a free port. */
  port: number;
  upstreams: readonly Upstream[];
  /** The service the calls are counted under (the app's name, as far as llmtop knows it). */
  service: string;
  /** Hands a call to the pipeline; settles once it is stored. */
  record: (f: Fragment) => Promise<void>;
  /** Wall clock (a call's start) and a monotonic one (its durations), in milliseconds. */
  now?: () => number;
  clock?: () => number;
  /** A certificate to trust for upstreams besides Node's own (tests; users set NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
  maxRequestReadBytes?: number;
}

export interface ProviderProxy {
  port: number;
  origin: string;
  upstreams: readonly Upstream[];
  activity(): ProxySource;
  /** Stops listening, ends open connections, and waits for the calls being recorded. */
  close(): Promise<void>;
}

const LOCAL_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Loopback peers only, and a Host naming this port on loopback: a page whose name resolves to 127.0.0.1 (DNS rebinding) is refused. */
export function acceptable(req: Pick<http.IncomingMessage, 'headers' | 'socket'>, port: number): string | null {
  const peer = req.socket.remoteAddress ?? '';
  if (!/^(127\.|::1$|::ffff:127\.)/.test(peer)) return 'only this machine may use the proxy';
  const host = (req.headers.host ?? '').toLowerCase();
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m || !LOCAL_NAMES.has(m[1]!) || Number(m[2] ?? 80) !== port) return `Host "${host}" is not this proxy (127.0.0.1:${port})`;
  if (req.headers.origin !== undefined) return 'requests from web pages are refused';
  return null;
}

function refuse(res: http.ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: { message: `llmtop proxy: ${message}`, type: 'llmtop_proxy_error' } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startProxy(o: ProxyOptions): Promise<ProviderProxy> {
  const now = o.now ?? Date.now;
  const clock = o.clock ?? (() => performance.now());
  const maxRead = o.maxRequestReadBytes ?? MAX_REQUEST_READ_BYTES;
  const agents: UpstreamAgents = upstreamAgents(o.ca);
  const activity = new Map<RouteId, ProxyRoute>(
    o.upstreams.map((u) => [u.route.id, { route: u.route.id, provider: u.route.provider, upstream: u.url, custom: u.custom, calls: 0, errors: 0, other: 0, lastSeenMs: null }]),
  );
  let refused = 0;
  let dropped = 0;
  const recording = new Set<Promise<void>>();
  let port = 0;

  const server = http.createServer({ noDelay: true }, (req, res) => {
    const problem = acceptable(req, port);
    if (problem) {
      refused++;
      req.resume();
      return refuse(res, 403, problem);
    }
    const found = routeOf(o.upstreams, req.url ?? '/');
    if (!found) {
      refused++;
      req.resume();
      return refuse(res, 404, `no provider at ${(req.url ?? '/').split('?')[0]}; use ${o.upstreams.map((u) => u.route.prefix).join(', ')}`);
    }
    relay(found.entry, found.rest, req, res);
  });

  function relay(upstream: Upstream, rest: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const startMs = now();
    const t0 = clock();
    const protocol = PROTOCOLS[upstream.route.id];
    const stats = activity.get(upstream.route.id)!;
    stats.lastSeenMs = startMs;
    const query = rest.includes('?') ? rest.slice(rest.indexOf('?')) : '';
    // Read from the headers, kept only to scrub the texts: never stored.
    const secrets = secretsOf(req.headers, query);

    // The request body: relayed as it comes, a copy kept for reading up to maxRead.
    const copy: Buffer[] = [];
    let copied = 0;
    let requestDone = false;
    const readable = !req.headers['content-encoding'] || req.headers['content-encoding'] === 'identity';
    req.on('data', (c: Buffer) => {
      copied += c.length;
      if (readable && copied <= maxRead) copy.push(c);
      else copy.length = 0;
    });
    const endpoint = (): Endpoint | null => {
      const read = requestDone && readable && copied <= maxRead && copied > 0;
      const body = read ? parseBody(Buffer.concat(copy)) : undefined;
      copy.length = 0;
      return protocol(rest, body);
    };
    let ep: Endpoint | null | undefined;
    // Read while the provider works on the answer, not when it starts to come.
    req.on('end', () => {
      requestDone = true;
      ep ??= endpoint();
    });

    let ttftMs: number | null = null;
    let tap: AnswerTap | null = null;
    let status: number | null = null;
    let streamed = false;
    let finished = false;

    const finish = (failure: Exchange['failure']) => {
      if (finished) return;
      finished = true;
      ep ??= endpoint();
      if (!ep) {
        stats.other++;
        return;
      }
      const durationMs = clock() - t0;
      const endpointNow = ep;
      const p = (tap ? tap.end() : Promise.resolve<Tapped>({ answer: null, snippet: null }))
        .then((tapped) => {
          const f = exchangeFragment({
            id: randomUUID().replace(/-/g, ''),
            provider: upstream.route.provider,
            service: o.service,
            endpoint: endpointNow,
            status,
            answer: tapped.answer,
            snippet: tapped.snippet,
            failure,
            streamed,
            startMs,
            durationMs,
            ttftMs,
            secrets,
          });
          stats.calls++;
          if (f.isError) stats.errors++;
          return o.record(f);
        })
        .catch(() => {
          dropped++;
        })
        .finally(() => recording.delete(p));
      recording.add(p);
    };

    const up = openUpstream(agents, upstream.url, rest, req.method ?? 'GET', endToEnd(req.rawHeaders, true));
    up.on('response', (ures) => {
      status = ures.statusCode ?? 502;
      ep ??= endpoint();
      const type = String(ures.headers['content-type'] ?? '');
      streamed = /^\s*text\/event-stream/i.test(type);
      if (ep) tap = new AnswerTap(ep, type, String(ures.headers['content-encoding'] ?? ''), () => (ttftMs ??= clock() - t0));
      res.writeHead(status, ures.statusMessage, endToEnd(ures.rawHeaders, false));
      // A stream's headers go now, as the provider sent them: its first event may be seconds
      // away. Other answers' go with their body, which follows at once (one write, not two).
      if (streamed) res.flushHeaders();
      ures.on('data', (chunk: Buffer) => {
        tap?.write(chunk);
        if (!res.write(chunk)) {
          ures.pause();
          res.once('drain', () => ures.resume());
        }
      });
      ures.on('end', () => {
        res.end();
        finish(null);
      });
      ures.on('close', () => {
        if (ures.complete) return;
        res.destroy();
        finish({ message: 'the provider closed the connection before the answer ended', type: 'aborted' });
      });
      ures.on('error', () => {});
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      if (finished) return;
      const host = new URL(upstream.url).host;
      const message = `cannot reach ${host}: ${err.code ?? err.message}`;
      if (!res.headersSent) refuse(res, 502, message);
      else res.destroy();
      finish({ message, type: err.code ?? 'upstream_error' });
    });
    // The app hung up (a timeout, an abort) before the answer ended: so does the proxy.
    res.on('close', () => {
      if (finished || res.writableFinished) return;
      up.destroy();
      finish({ message: 'the app closed the connection before the answer ended', type: 'aborted' });
    });
    req.pipe(up);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.keepAliveTimeout = 30_000;
  const origin = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;

  return {
    port,
    origin,
    upstreams: o.upstreams,
    activity: () => ({ origin, routes: [...activity.values()].map((r) => ({ ...r })), refused, dropped }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([...recording]);
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function parseBody(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
