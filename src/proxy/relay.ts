import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

/*
 * The hop to the provider: the app's request as it came, apart from what belongs to one hop of
 * HTTP (RFC 9110 §7.6.1: Connection and the headers it names, Keep-Alive, Transfer-Encoding, TE,
 * Trailer, Upgrade, Proxy-*) and Host, which names the upstream. The same on the way back.
 */

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Raw headers ([name, value, name, value, ...], as Node reads them) without the hop-by-hop ones and, when asked, Host. */
export function endToEnd(raw: readonly string[], dropHost: boolean): string[] {
  const named = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') for (const n of raw[i + 1]!.split(',')) named.add(n.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || (dropHost && name === 'host')) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

export interface UpstreamAgents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * Keep-alive connections to the providers, with Nagle off so each chunk of a stream goes on at
 * once. `ca` is trusted besides Node's own list (and NODE_EXTRA_CA_CERTS, which Node reads itself).
 */
export function upstreamAgents(ca?: string | Buffer): UpstreamAgents {
  const common = { keepAlive: true, noDelay: true, scheduling: 'lifo' as const };
  return {
    http: new http.Agent(common),
    // Giving `ca` replaces Node's own roots unless they are listed too.
    https: new https.Agent(ca ? { ...common, ca: [...tls.rootCertificates, ca.toString()] } : common),
  };
}

/** Opens the request to the upstream: `base` is the upstream's URL, `rest` the path and query after the route's prefix. */
export function openUpstream(agents: UpstreamAgents, base: string, rest: string, method: string, headers: string[]): http.ClientRequest {
  const url = new URL(base);
  const path = `${url.pathname.replace(/\/+$/, '')}${rest.startsWith('/') || rest.startsWith('?') || rest === '' ? rest : `/${rest}`}` || '/';
  const secure = url.protocol === 'https:';
  return (secure ? https : http).request({
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || (secure ? 443 : 80),
    method,
    path,
    headers: [...headers, 'Host', url.host] as unknown as http.OutgoingHttpHeaders,
    agent: secure ? agents.https : agents.http,
    servername: secure && !/^[\d.]+$|:/.test(url.hostname) ? url.hostname : undefined,
  });
}
