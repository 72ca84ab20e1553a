import type { Attrs, HistogramPoint, Metric, NumberPoint } from '../otlp/request.js';
import { TEMPORALITY_CUMULATIVE } from '../otlp/request.js';
import { MODEL_KEYS, PROVIDER_KEYS, environment, service } from './conventions.js';
import { normalizeProvider, providerFromModel } from './provider.js';
import { firstString } from './read.js';

/**
 * One data point of a GenAI metric. Metrics describe the same requests as spans and events,
 * so they become calls only for services that send no per-call telemetry (the assembler decides).
 */
export interface MetricSample {
  kind: 'duration' | 'ttft' | 'tokens' | 'cost';
  tokenType: 'input' | 'output' | 'cacheRead' | 'cacheWrite' | null;
  service: string;
  environment: string;
  provider: string | null;
  model: string | null;
  operation: string | null;
  isError: boolean;
  /** Identifies the time series, to turn cumulative points into deltas. */
  seriesKey: string;
  cumulative: boolean;
  startNs: bigint;
  timeNs: bigint;
  /** Histograms: the number of observations; sums: null. */
  count: number | null;
  /** Seconds for duration and TTFT, tokens, or USD. */
  sum: number;
  bucketCounts: number[];
  explicitBounds: number[];
}

const KINDS: Record<string, MetricSample['kind']> = {
  'gen_ai.client.operation.duration': 'duration',
  'gen_ai.server.request.duration': 'duration',
  'gen_ai.server.time_to_first_token': 'ttft',
  'gen_ai.client.operation.time_to_first_chunk': 'ttft',
  'gen_ai.client.token.usage': 'tokens',
  'gen_ai.usage.cost': 'cost',
  'claude_code.token.usage': 'tokens',
  'claude_code.cost.usage': 'cost',
};

const TOKEN_TYPES: Record<string, MetricSample['tokenType']> = {
  input: 'input',
  prompt: 'input',
  output: 'output',
  completion: 'output',
  cacheRead: 'cacheRead',
  cache_read: 'cacheRead',
  cacheCreation: 'cacheWrite',
  cache_creation: 'cacheWrite',
};

export function metricSamples(metrics: Metric[], resource: Attrs): MetricSample[] {
  const out: MetricSample[] = [];
  for (const m of metrics) {
    const kind = KINDS[m.name];
    if (!kind) continue;
    const d = m.data;
    if (d.type === 'histogram') for (const p of d.points) out.push(sample(kind, m.name, resource, p, d.temporality === TEMPORALITY_CUMULATIVE, p));
    else if (d.type === 'sum') for (const p of d.points) out.push(sample(kind, m.name, resource, p, d.temporality === TEMPORALITY_CUMULATIVE, null));
  }
  return out.filter((s) => s.kind !== 'tokens' || s.tokenType !== null);
}

function sample(
  kind: MetricSample['kind'],
  name: string,
  resource: Attrs,
  p: NumberPoint | HistogramPoint,
  cumulative: boolean,
  h: HistogramPoint | null,
): MetricSample {
  const a = p.attributes;
  const model = firstString(a, MODEL_KEYS);
  const provider = firstString(a, PROVIDER_KEYS);
  const tokenType = firstString(a, ['gen_ai.token.type', 'type']);
  return {
    kind,
    tokenType: tokenType ? (TOKEN_TYPES[tokenType] ?? null) : null,
    service: service(resource, a),
    environment: environment(resource, a),
    provider: provider ? normalizeProvider(provider) : model ? providerFromModel(model) : null,
    model,
    operation: firstString(a, ['gen_ai.operation.name']),
    isError: firstString(a, ['error.type']) !== null,
    seriesKey: `${service(resource, a)}\u0000${name}\u0000${JSON.stringify(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))}`,
    cumulative,
    startNs: p.startNs,
    timeNs: p.timeNs,
    count: h ? h.count : null,
    sum: h ? (h.sum ?? 0) : (p as NumberPoint).value,
    bucketCounts: h ? h.bucketCounts : [],
    explicitBounds: h ? h.explicitBounds : [],
  };
}
