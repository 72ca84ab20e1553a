import { describe, expect, it } from 'vitest';
import { CaptureMeter, countBySource } from '../../src/app/capture.js';
import { setupText } from '../../src/app/setup-lines.js';
import { childEnv } from '../../src/cli/child-env.js';
import { UsageError, proxyOffByDefault, serviceName, toConfig, type RawFlags } from '../../src/cli/flags.js';
import { scrub, secretsOf } from '../../src/proxy/keys.js';
import { endToEnd } from '../../src/proxy/relay.js';
import { ROUTES, routeOf, upstreamsFrom } from '../../src/proxy/routes.js';

/* Where the proxy sends each provider, what the wrapped command is told, and what it keeps. */

const flags = (o: Partial<RawFlags> = {}): RawFlags => ({
  port: '4318',
  host: '127.0.0.1',
  maxCalls: '1000',
  retention: '7d',
  window: '5m',
  content: true,
  headless: true,
  demo: false,
  slow: '10s',
  maxTokensPerCall: '1000',
  grpcPort: '0',
  db: ':memory:',
  ...o,
});

describe('upstreamsFrom: where each provider\'s calls go', () => {
  it("the providers' own APIs when the user set no base URL", () => {
    const { upstreams, problems } = upstreamsFrom({});
    expect(upstreams.map((u) => [u.route.id, u.url, u.custom])).toEqual([
      ['openai', 'https://api.openai.com/v1', false],
      ['anthropic', 'https://api.anthropic.com', false],
      ['gemini', 'https://generativelanguage.googleapis.com', false],
    ]);
    expect(problems).toEqual([]);
  });

  it("a base URL the user set is where that provider's calls still go (a gateway, a local model)", () => {
    const { upstreams } = upstreamsFrom({ OPENAI_BASE_URL: ' http://localhost:11434/v1/ ', ANTHROPIC_BASE_URL: 'https://gateway.example/anthropic' });
    expect(upstreams.map((u) => [u.route.id, u.url, u.custom])).toEqual([
      ['openai', 'http://localhost:11434/v1', true],
      ['anthropic', 'https://gateway.example/anthropic', true],
      ['gemini', 'https://generativelanguage.googleapis.com', false],
    ]);
  });

  it.each(['not a url', 'ftp://files.example', 'https://user:pw@gateway.example', 'https://gateway.example/v1?key=abc'])('%s is left alone, with a warning', (value) => {
    const { upstreams, problems } = upstreamsFrom({ GOOGLE_GEMINI_BASE_URL: value });
    expect(upstreams.map((u) => u.route.id)).toEqual(['openai', 'anthropic']);
    expect(problems).toEqual(['GOOGLE_GEMINI_BASE_URL is not an http(s) URL; calls through it are not proxied']);
    // The problem names the variable, never its value (which may hold a key).
    expect(problems.join()).not.toContain(value);
  });

  it('routeOf: a path to its provider and the rest for the upstream', () => {
    const ups = upstreamsFrom({}).upstreams;
    expect(routeOf(ups, '/openai/chat/completions')).toMatchObject({ entry: { route: { id: 'openai' } }, rest: '/chat/completions' });
    expect(routeOf(ups, '/gemini/v1beta/models/x:generateContent?alt=sse')).toMatchObject({ rest: '/v1beta/models/x:generateContent?alt=sse' });
    expect(routeOf(ups, '/openairish/x')).toBeNull();
  });
});

describe('childEnv with the proxy', () => {
  const receiver = { host: '127.0.0.1', port: 4321, token: null };
  it("points each SDK's base URL at the proxy, the user's own value included (it is the upstream now)", () => {
    const { upstreams } = upstreamsFrom({ OPENAI_BASE_URL: 'https://gateway.example/v1' });
    const env = childEnv({ OPENAI_BASE_URL: 'https://gateway.example/v1', OPENAI_API_KEY: 'sk-kept' }, receiver, true, { origin: 'http://127.0.0.1:5555', upstreams });
    expect(env).toMatchObject({
      OPENAI_BASE_URL: 'http://127.0.0.1:5555/openai',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:5555/anthropic',
      GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:5555/gemini',
      OPENAI_API_KEY: 'sk-kept',
    });
  });

  it("keeps the proxy's loopback out of an HTTP(S) proxy of the user's own (NO_PROXY)", () => {
    const user = { HTTP_PROXY: 'http://proxy.corp:3128', no_proxy: 'corp.internal' };
    const env = childEnv(user, receiver, true, { origin: 'http://127.0.0.1:5555', upstreams: upstreamsFrom({}).upstreams });
    expect(env).toMatchObject({ NO_PROXY: '127.0.0.1,localhost', no_proxy: 'corp.internal,127.0.0.1,localhost' });
    expect(childEnv(user, receiver, true, null).NO_PROXY).toBeUndefined();
  });

  it('leaves a variable it could not use, and all of them without the proxy', () => {
    const { upstreams } = upstreamsFrom({ ANTHROPIC_BASE_URL: 'nonsense' });
    expect(childEnv({ ANTHROPIC_BASE_URL: 'nonsense' }, receiver, true, { origin: 'http://127.0.0.1:5555', upstreams }).ANTHROPIC_BASE_URL).toBe('nonsense');
    const off = childEnv({ OPENAI_BASE_URL: 'https://gateway.example/v1' }, receiver, true, null);
    expect(off.OPENAI_BASE_URL).toBe('https://gateway.example/v1');
    expect(off.ANTHROPIC_BASE_URL).toBeUndefined();
  });
});

describe('toConfig: when the proxy runs', () => {
  const ctx = (command: string[] | null, env: Record<string, string> = {}) => ({ command, env });
  it.each<[string, Partial<RawFlags>, string[] | null, boolean]>([
    ['on by default with a command', {}, ['node', 'app.js'], true],
    ['off by default without one', {}, null, false],
    ['--no-proxy with a command', { proxy: false }, ['node', 'app.js'], false],
    ['--proxy without a command', { proxy: true }, null, true],
    ['--proxy-port without a command', { proxyPort: '4400' }, null, true],
  ])('%s', (_name, f, command, on) => {
    expect(toConfig(flags(f), ctx(command)).proxy !== null).toBe(on);
  });

  it("off by default when the environment names an HTTP(S) proxy of the user's own (the relay does not go through it), saying why", () => {
    const corp = ctx(['node', 'app.js'], { HTTPS_PROXY: 'http://proxy.corp:3128' });
    expect(toConfig(flags(), corp).proxy).toBeNull();
    expect(proxyOffByDefault({}, corp)).toBe('HTTPS_PROXY is set, and the provider proxy does not relay through it: it is off, and only OTLP is recorded (--proxy turns it on anyway)');
    expect(toConfig(flags({ proxy: true }), corp).proxy).not.toBeNull();
    expect(proxyOffByDefault({ proxy: true }, corp)).toBeNull();
    expect(proxyOffByDefault({}, ctx(['node', 'app.js']))).toBeNull();
  });

  it('a free port unless --proxy-port', () => {
    expect(toConfig(flags({ proxy: true }), ctx(null)).proxy!.port).toBe(0);
    expect(toConfig(flags({ proxyPort: '4400' }), ctx(null)).proxy!.port).toBe(4400);
  });

  it.each<[Partial<RawFlags>, RegExp]>([
    [{ proxyPort: 'x' }, /--proxy-port "x" is not a whole number/],
    [{ proxyPort: '65536' }, /--proxy-port 65536/],
    [{ proxy: false, proxyPort: '4400' }, /--proxy-port and --no-proxy/],
  ])('%j is refused', (f, message) => {
    expect(() => toConfig(flags(f), ctx(null))).toThrow(UsageError);
    expect(() => toConfig(flags(f), ctx(null))).toThrow(message);
  });

  it.each<[string[] | null, Record<string, string>, string]>([
    [['node', 'agent.mjs'], {}, 'agent'],
    [['python3.12', '-u', 'src/eval.py', '--fast'], {}, 'eval'],
    [['/usr/local/bin/claude'], {}, 'claude'],
    [['npm', 'run', 'eval'], {}, 'npm'],
    [['node', 'app.js'], { OTEL_SERVICE_NAME: 'checkout' }, 'checkout'],
    [null, {}, 'proxy'],
  ])('the service of the proxy\'s calls, for %j %j: %s', (command, env, service) => {
    expect(serviceName({ command, env })).toBe(service);
  });
});

describe('keys', () => {
  it('secretsOf: every credential header and query parameter, with and without its scheme', () => {
    const secrets = secretsOf({ authorization: 'Bearer sk-abcdef123456', 'x-api-key': 'sk-ant-0987654321', 'x-goog-api-key': 'AIzaSyA-1234567', 'content-type': 'application/json', 'x-short': 'abc' }, '?key=AIzaQuery98765&alt=sse');
    expect(secrets.sort()).toEqual(['AIzaQuery98765', 'AIzaSyA-1234567', 'Bearer sk-abcdef123456', 'sk-abcdef123456', 'sk-ant-0987654321']);
  });

  it('scrub: the whole key and a provider\'s masked echo of it', () => {
    const key = 'sk-proj-AbCdEfGhIjKlMnOp';
    expect(scrub(`Incorrect API key provided: sk-proj-**********MnOp. And ${key}.`, [key])).toBe('Incorrect API key provided: [key removed]. And [key removed].');
    expect(scrub('nothing here', [key])).toBe('nothing here');
  });

  it('endToEnd: hop-by-hop headers and those Connection names are not relayed; Host only when asked', () => {
    const raw = ['Host', 'a', 'Connection', 'keep-alive, X-Trace', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'X-Trace', 't', 'Authorization', 'Bearer k', 'TE', 'trailers', 'Upgrade', 'h2c', 'X-Api-Key', 'k2'];
    expect(endToEnd(raw, true)).toEqual(['Authorization', 'Bearer k', 'X-Api-Key', 'k2']);
    expect(endToEnd(['Host', 'a', 'Content-Type', 'x'], false)).toEqual(['Host', 'a', 'Content-Type', 'x']);
  });
});

describe('what the user is told', () => {
  it('setupText: the base URLs to export, first, with the proxy on', () => {
    const lines = setupText('http://127.0.0.1:4318', { origin: 'http://127.0.0.1:5555', upstreams: upstreamsFrom({}).upstreams });
    expect(lines.slice(0, 4)).toEqual([
      'No instrumentation: the OpenAI, Anthropic and Gemini SDKs, through the proxy:',
      '  export OPENAI_BASE_URL=http://127.0.0.1:5555/openai',
      '  export ANTHROPIC_BASE_URL=http://127.0.0.1:5555/anthropic',
      '  export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:5555/gemini',
    ]);
    expect(setupText('http://127.0.0.1:4318').join('\n')).not.toContain('BASE_URL');
  });

  it('countBySource: calls of the proxy, of OTLP, and joined ones in both', () => {
    expect(countBySource([
      { source: 'proxy', count: 3 },
      { source: 'openlit+proxy', count: 2 },
      { source: 'openlit', count: 5 },
      { source: 'metrics', count: 1 },
    ])).toEqual({ proxy: 5, otlp: 8 });
  });

  it('CaptureMeter: counted again after a change, as often as the count\'s cost allows', () => {
    let version = 1;
    let now = 1_000_000;
    let clock = 0;
    let queries = 0;
    const meter = new CaptureMeter({
      query: () => {
        queries++;
        clock += 50; // each count takes 50 ms: at most one per second (a twentieth of the time)
        return [{ source: 'proxy', count: queries }];
      },
      version: () => version,
      now: () => now,
      clock: () => clock,
    });
    expect(meter.counts(300_000)).toEqual({ proxy: 1, otlp: 0 });
    expect(meter.counts(300_000).proxy).toBe(1); // nothing changed
    version++;
    now += 500;
    expect(meter.counts(300_000).proxy).toBe(1); // changed, but too soon after the last count
    now += 600;
    expect(meter.counts(300_000).proxy).toBe(2);
    expect(meter.counts(60_000).proxy).toBe(3); // another window
  });

  it('every route has its own prefix and variable', () => {
    expect(new Set(ROUTES.map((r) => r.prefix)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => r.envVar)).size).toBe(ROUTES.length);
  });
});
