import { createHash } from 'node:crypto';
import type { LlmCall } from '../domain/call.js';
import { inputMessagesJson, outputMessagesJson } from './messages.js';

/*
 * A call as an OTLP/JSON span in the OTel GenAI conventions, which any OTLP tool reads, plus
 * llmtop.* attributes for what the conventions cannot say, so that llmtop reloads it exactly.
 */

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

const str = (v: string | null): AnyValue | null => (v === null ? null : { stringValue: v });
const int = (v: number): AnyValue => ({ intValue: String(Math.round(v)) });

/** One row per attribute: adding a call field to the export is adding a row. */
const SPAN_ATTRIBUTES: readonly [string, (c: LlmCall) => AnyValue | null][] = [
  ['gen_ai.operation.name', (c) => str(c.operation)],
  ['gen_ai.provider.name', (c) => str(c.provider)],
  ['gen_ai.request.model', (c) => str(c.model)],
  ['gen_ai.response.model', (c) => str(c.model)],
  ['gen_ai.usage.input_tokens', (c) => int(c.inputTokens)],
  ['gen_ai.usage.output_tokens', (c) => int(c.outputTokens)],
  ['gen_ai.usage.cache_read.input_tokens', (c) => int(c.cacheReadTokens)],
  ['gen_ai.usage.cache_creation.input_tokens', (c) => int(c.cacheWriteTokens)],
  ['gen_ai.usage.reasoning.output_tokens', (c) => int(c.reasoningTokens)],
  // The conventions have no cost; gen_ai.usage.cost is the name openlit and llmtop read.
  ['gen_ai.usage.cost', (c) => (c.costUsd === null ? null : { doubleValue: c.costUsd })],
  ['gen_ai.request.stream', (c) => (c.ttftMs === null ? null : { boolValue: true })],
  ['gen_ai.server.time_to_first_token', (c) => (c.ttftMs === null ? null : { doubleValue: c.ttftMs / 1000 })],
  ['user.id', (c) => str(c.user)],
  ['gen_ai.conversation.id', (c) => str(c.sessionId)],
  ['error.type', (c) => str(c.errorType)],
  ['gen_ai.response.finish_reasons', (c) => str(c.finishReason)],
  ['gen_ai.input.messages', (c) => str(inputMessagesJson(c))],
  ['gen_ai.output.messages', (c) => str(outputMessagesJson(c))],
  ['llmtop.call_id', (c) => str(c.id)],
  ['llmtop.source', (c) => str(c.source)],
  ['llmtop.cost_source', (c) => str(c.costSource)],
];

const SPAN_KIND_CLIENT = 3;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

/** Milliseconds (fractional) as nanoseconds, past 2^53: OTLP/JSON carries them as decimal text. */
function nanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

/** Calls read from log events have no span ids: ids derived from the call id, stable across exports. */
function ids(c: LlmCall): { traceId: string; spanId: string } {
  if (/^[0-9a-f]{32}$/i.test(c.traceId) && /^[0-9a-f]{16}$/i.test(c.spanId)) return { traceId: c.traceId, spanId: c.spanId };
  const h = createHash('sha256').update(c.id).digest('hex');
  return { traceId: h.slice(0, 32), spanId: h.slice(32, 48) };
}

/** One ResourceSpans holding the call's span, under its service and environment. */
function callResourceSpans(c: LlmCall): unknown {
  const startNs = nanos(c.timeMs);
  const attributes = SPAN_ATTRIBUTES.flatMap(([key, get]) => {
    const value = get(c);
    return value === null ? [] : [{ key, value }];
  });
  return {
    resource: {
      attributes: [
        { key: 'service.name', value: { stringValue: c.service } },
        { key: 'deployment.environment.name', value: { stringValue: c.environment } },
      ],
    },
    scopeSpans: [
      {
        scope: { name: 'llmtop.export' },
        spans: [
          {
            ...ids(c),
            name: `${c.operation} ${c.model}`,
            kind: SPAN_KIND_CLIENT,
            startTimeUnixNano: startNs.toString(),
            // The duration added in nanoseconds: added to the time in milliseconds first, it would lose microseconds.
            endTimeUnixNano: (startNs + nanos(c.durationMs)).toString(),
            attributes,
            status: c.status === 'error' ? { code: STATUS_ERROR, message: c.error ?? 'error' } : { code: STATUS_OK },
          },
        ],
      },
    ],
  };
}

/**
 * A request is closed after this many characters, at most 48 MiB of UTF-8: under the 64 MiB
 * that receivers (llmtop, the Collector) accept by default.
 */
const MAX_REQUEST_CHARS = 16 * 1024 * 1024;

/**
 * The calls as OTLP/JSON Lines, the OTel file exporter's format: one ExportTraceServiceRequest
 * per line, each within a receiver's body limit. A window that fits one request (the usual case)
 * is one line that `curl --data @file` posts as it is. Yields text piece by piece, so that
 * 100k calls never sit in memory at once.
 */
export function* otlpJsonLines(calls: Iterable<LlmCall>): Generator<string> {
  let open = 0;
  for (const call of calls) {
    const span = JSON.stringify(callResourceSpans(call));
    if (open > 0 && open + span.length > MAX_REQUEST_CHARS) {
      yield ']}\n';
      open = 0;
    }
    yield open === 0 ? `{"resourceSpans":[${span}` : `,${span}`;
    open += span.length + 1;
  }
  if (open > 0) yield ']}\n';
}
