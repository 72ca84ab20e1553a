import type { Result } from 'meow';

/** Every option of every verb, as meow reads them. */
export const FLAGS = {
  port: { type: 'string', shortFlag: 'p', default: '4318' },
  host: { type: 'string', default: '127.0.0.1' },
  db: { type: 'string' },
  maxCalls: { type: 'string', default: '100000' },
  retention: { type: 'string', default: '7d' },
  window: { type: 'string', default: '5m' },
  pricing: { type: 'string' },
  content: { type: 'boolean', default: true },
  headless: { type: 'boolean', default: false },
  demo: { type: 'boolean', default: false },
  forward: { type: 'string' },
  slow: { type: 'string', default: '10s' },
  maxTokensPerCall: { type: 'string', default: '1000' },
  token: { type: 'string' },
  cors: { type: 'string' },
  grpcPort: { type: 'string', default: '4317' },
  budget: { type: 'string' },
  loop: { type: 'string' },
  stopOnLoop: { type: 'boolean', default: false },
  stopOnBudget: { type: 'boolean', default: false },
  maxLoops: { type: 'string' },
  proxy: { type: 'boolean' },
  proxyPort: { type: 'string' },
  json: { type: 'boolean', default: false },
  url: { type: 'string', default: 'http://127.0.0.1:4318' },
  since: { type: 'string', default: '1h' },
  format: { type: 'string', default: 'jsonl' },
  out: { type: 'string' },
  maxCost: { type: 'string' },
  maxP95: { type: 'string' },
  maxTtftP95: { type: 'string' },
  maxErrorRate: { type: 'string' },
  maxTokens: { type: 'string' },
  minCalls: { type: 'string' },
  report: { type: 'string' },
  grace: { type: 'string', default: '2s' },
  last: { type: 'string' },
  model: { type: 'string' },
  service: { type: 'string' },
  errors: { type: 'boolean', default: false },
  q: { type: 'string' },
  sort: { type: 'string', default: 'time' },
  help: { type: 'boolean', shortFlag: 'h' },
  version: { type: 'boolean', shortFlag: 'v' },
} as const;

export type Flags = Result<typeof FLAGS>['flags'];

/** Options that take a value: given last or before another option, they were given none. */
export const VALUE_OPTIONS = ['-p', '--port', '--host', '--db', '--max-calls', '--retention', '--window', '--pricing', '--url', '--since', '--format', '--out', '--forward', '--slow', '--max-tokens-per-call', '--token', '--cors', '--grpc-port', '--max-cost', '--max-p95', '--max-ttft-p95', '--max-error-rate', '--max-tokens', '--min-calls', '--report', '--grace', '--budget', '--loop', '--max-loops', '--proxy-port', '--last', '--model', '--service', '--q', '--sort'];

/** Options that only some verbs take: given to another, they are a mistake worth a line. */
export const OWNED_OPTIONS: Record<string, readonly string[]> = {
  '--max-cost': ['check'],
  '--max-p95': ['check'],
  '--max-ttft-p95': ['check'],
  '--max-error-rate': ['check'],
  '--max-tokens': ['check'],
  '--min-calls': ['check'],
  '--max-loops': ['check'],
  '--report': ['check'],
  '--last': ['calls', 'runs', 'sessions', 'errors'],
  '--q': ['calls'],
  '--errors': ['calls'],
  '--model': ['calls', 'errors', 'summary', 'snapshot'],
  '--service': ['calls', 'errors', 'summary', 'snapshot'],
  '--sort': ['runs', 'sessions'],
};
