import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/*
 * Who may talk to the port: an optional bearer token on the OTLP and API routes (--token), and
 * CORS for browser exporters, off unless --cors names the origins.
 */

export interface AccessOptions {
  /** Required as `Authorization: Bearer <token>`; null for none. */
  token: string | null;
  /** Origins allowed by CORS, or ['*']; empty: CORS off. */
  corsOrigins: readonly string[];
}

/** Paths that answer without the token: a health check must work for load balancers and scripts. */
const OPEN_PATHS = new Set(['/healthz']);

export function hasToken(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!.trim());
  const expected = Buffer.from(token);
  // Compared in constant time, so the answer's timing tells nothing of the token.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The CORS origin to allow for a request's Origin header, or null. */
export function allowedOrigin(origin: string | undefined, allowed: readonly string[]): string | null {
  if (!origin || allowed.length === 0) return null;
  if (allowed.includes('*')) return '*';
  return allowed.includes(origin) ? origin : null;
}

/**
 * Applies CORS and the token to a request. Returns true when it was answered here (a preflight,
 * or refused), false when the route should handle it.
 */
export function guard(req: IncomingMessage, res: ServerResponse, path: string, opts: AccessOptions): boolean {
  const origin = allowedOrigin(req.headers.origin, opts.corsOrigins);
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (origin !== '*') res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, Content-Encoding, Authorization',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return true;
    }
  }
  if (opts.token !== null && !OPEN_PATHS.has(path) && !hasToken(req.headers.authorization, opts.token)) {
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer', 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: 16, message: 'missing or wrong bearer token (see --token)' }));
    return true;
  }
  return false;
}
