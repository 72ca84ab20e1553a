/*
 * The providers the proxy relays, each on its own path prefix of the proxy's port, and where each
 * one's requests go: the provider's own API, or the base URL the user had already set.
 */

export type RouteId = 'openai' | 'anthropic' | 'gemini';

export interface Route {
  id: RouteId;
  /** Path prefix on the proxy: `http://127.0.0.1:PORT/openai/chat/completions` goes to `<upstream>/chat/completions`. */
  prefix: string;
  /**
   * The variable the official SDKs read their base URL from (openai and openai-python:
   * OPENAI_BASE_URL; @anthropic-ai/sdk and anthropic-python: ANTHROPIC_BASE_URL; @google/genai and
   * google-genai: GOOGLE_GEMINI_BASE_URL). Codex, Claude Code and Gemini CLI read the same ones.
   */
  envVar: string;
  /** The base URL the SDKs use when the variable is not set. */
  defaultUpstream: string;
  /** The provider a call is counted under when its model's name does not tell. */
  provider: string;
}

export const ROUTES: readonly Route[] = [
  { id: 'openai', prefix: '/openai', envVar: 'OPENAI_BASE_URL', defaultUpstream: 'https://api.openai.com/v1', provider: 'openai' },
  { id: 'anthropic', prefix: '/anthropic', envVar: 'ANTHROPIC_BASE_URL', defaultUpstream: 'https://api.anthropic.com', provider: 'anthropic' },
  { id: 'gemini', prefix: '/gemini', envVar: 'GOOGLE_GEMINI_BASE_URL', defaultUpstream: 'https://generativelanguage.googleapis.com', provider: 'google' },
];

/** A route with the upstream its requests are relayed to. */
export interface Upstream {
  route: Route;
  /** Absolute http(s) URL without a trailing slash; a path is kept (`https://gateway.example/v1`). */
  url: string;
  /** The user's own base URL (from the environment), rather than the provider's default. */
  custom: boolean;
}

/**
 * The upstream of each route, from the environment the app would have had: a base URL the user
 * set is where the app meant to go, so it stays the destination and the proxy sits in front of
 * it. A value that is not an http(s) URL leaves that route out (its variable is then left alone)
 * and says why in `problems`.
 */
export function upstreamsFrom(env: Readonly<Record<string, string | undefined>>): { upstreams: Upstream[]; problems: string[] } {
  const upstreams: Upstream[] = [];
  const problems: string[] = [];
  for (const route of ROUTES) {
    const given = env[route.envVar]?.trim();
    if (!given) {
      upstreams.push({ route, url: route.defaultUpstream, custom: false });
      continue;
    }
    const url = baseUrl(given);
    if (url) upstreams.push({ route, url, custom: true });
    else problems.push(`${route.envVar} is not an http(s) URL; calls through it are not proxied`);
  }
  return { upstreams, problems };
}

function baseUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) return null;
  return url.href.replace(/\/+$/, '');
}

/** Variables that send an app's HTTP through a proxy of the user's own (a corporate one). */
const HTTP_PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * The variable naming the user's own HTTP(S) proxy, if one is set. The relay does not go through
 * it, so an app that reaches its provider only that way would break behind llmtop's proxy.
 */
export function httpProxyVar(env: Readonly<Record<string, string | undefined>>): string | null {
  return HTTP_PROXY_VARS.find((k) => env[k]?.trim()) ?? null;
}

/** The base URL an SDK is given for a route: the proxy's address and the route's prefix. */
export function proxyBaseUrl(proxyOrigin: string, route: Route): string {
  return `${proxyOrigin}${route.prefix}`;
}

/** The route a request path belongs to, and the path the upstream is asked for. */
export function routeOf<T extends { route: Route }>(routes: readonly T[], path: string): { entry: T; rest: string } | null {
  for (const entry of routes) {
    const p = entry.route.prefix;
    if (path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`)) return { entry, rest: path.slice(p.length) };
  }
  return null;
}
