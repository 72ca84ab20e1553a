import type { SpanSkeleton } from '../domain/run.js';
import type { OtlpRequest } from '../otlp/request.js';
import { looksLikeCall, looksLikeModelless } from './conventions.js';
import type { Fragment, SpanLink } from './fragment.js';
import { MAX_NAME_CHARS, capText } from './limits.js';
import { logFragment } from './logs.js';
import { metricSamples, type MetricSample } from './metrics.js';
import { spanFragment } from './spans.js';

/** What one OTLP request says about LLM calls, before fragments are merged into calls. */
export interface Normalized {
  fragments: Fragment[];
  /** Parent links of every span, so wrappers are found across non-LLM spans. */
  links: SpanLink[];
  metrics: MetricSample[];
  /** Every span, LLM call or not, for the run trees (see stats/runs.ts). */
  spans: SpanSkeleton[];
  /** Spans that read like LLM calls but name no model nor tokens: not calls, but not silently lost. */
  modelless: ModellessSpan[];
}

export interface ModellessSpan {
  service: string;
  /** The span's name, as an example for the hint. */
  name: string;
}

export function normalize(req: OtlpRequest): Normalized {
  const out: Normalized = { fragments: [], links: [], metrics: [], spans: [], modelless: [] };
  switch (req.signal) {
    case 'traces':
      for (const r of req.resources)
        for (const s of r.scopes)
          for (const span of s.items) {
            out.links.push({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId });
            const f = spanFragment(span, r.resource.attributes, s.scope.name);
            if (looksLikeCall(f)) out.fragments.push(f);
            else if (looksLikeModelless(f, span.attributes)) out.modelless.push({ service: f.service, name: capText(span.name, MAX_NAME_CHARS) });
            out.spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId,
              name: capText(span.name, MAX_NAME_CHARS),
              service: f.service,
              startMs: f.timeMs,
              endMs: f.timeMs + (f.durationMs ?? 0),
            });
          }
      break;
    case 'logs':
      for (const r of req.resources)
        for (const s of r.scopes)
          for (const rec of s.items) {
            const f = logFragment(rec, r.resource.attributes, s.scope.name);
            if (f) out.fragments.push(f);
          }
      break;
    case 'metrics':
      for (const r of req.resources) for (const s of r.scopes) out.metrics.push(...metricSamples(s.items, r.resource.attributes));
      break;
  }
  return out;
}

export type { Fragment, SpanLink } from './fragment.js';
export type { MetricSample } from './metrics.js';
