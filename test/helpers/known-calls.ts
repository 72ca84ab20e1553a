import { SpanKind } from '@opentelemetry/api';
import { tracerFor } from './otel.js';

/*
 * A small, known set of LLM calls, sent to a real llmtop by the OpenTelemetry JS SDK's own OTLP
 * exporter as an instrumented app would send them: what the read verbs, the readers and the MCP
 * server must give back exactly.
 *
 * - support (one run, trace `supportTrace`: root span `invoke_agent support-bot`, a tool span):
 *   - `refund`: openai/gpt-4o-mini, 120 → 30 tokens, $0.0012 reported, "What is your refund
 *     policy?" → "Refunds are accepted within 30 days of purchase."
 *   - `ratelimited`: anthropic/claude-sonnet-4-5, failed: 429 "rate limit exceeded"
 * - billing:
 *   - `invoice`: openai/gpt-4.1, a prompt of LONG_PROMPT_CHARS ending in "zebrafish", a response
 *     with an escape sequence (ESC[31m), stopped by its length (finish reason "length"), cost
 *     estimated from prices
 *   - `unpriced`: acme/acme-llm-9, no price known: cost null
 */

export const LONG_PROMPT_CHARS = 30_000;
export const LONG_PROMPT = `${'invoice line '.repeat(2307)}zebrafish`;
export const ESCAPED_RESPONSE = 'Total due: \u001b[31m$42\u001b[0m';

export interface KnownCalls {
  supportTrace: string;
  invoiceTrace: string;
  /** Send times: each call started this long before `sentAt`. */
  sentAt: number;
}

const chat = (provider: string, model: string, input: number, output: number, extra: Record<string, string | number | string[]> = {}) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': provider,
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  ...extra,
});

export async function sendKnownCalls(url: string): Promise<KnownCalls> {
  if (LONG_PROMPT.length !== LONG_PROMPT_CHARS) throw new Error(`LONG_PROMPT is ${LONG_PROMPT.length} characters`);
  const t0 = Date.now() - 60_000;
  const support = tracerFor(url, 'json', { 'service.name': 'support' });
  const root = support.start('invoke_agent support-bot', { 'gen_ai.operation.name': 'invoke_agent' }, t0, undefined, SpanKind.INTERNAL);
  const refund = support.start(
    'chat gpt-4o-mini',
    chat('openai', 'gpt-4o-mini', 120, 30, {
      'gen_ai.usage.cost': 0.0012,
      'gen_ai.prompt': 'What is your refund policy?',
      'gen_ai.completion': 'Refunds are accepted within 30 days of purchase.',
      'gen_ai.response.finish_reasons': ['stop'],
    }),
    t0 + 100,
    root,
  );
  support.end(refund, t0 + 1100);
  const tool = support.start('execute_tool lookup_order', { 'gen_ai.operation.name': 'execute_tool' }, t0 + 1200, root, SpanKind.INTERNAL);
  support.end(tool, t0 + 1500);
  const limited = support.start(
    'chat claude-sonnet-4-5',
    chat('anthropic', 'claude-sonnet-4-5', 0, 0, { 'gen_ai.prompt': 'Summarize ticket 4411 for the refund team', 'error.type': '429' }),
    t0 + 1600,
    root,
  );
  support.end(limited, t0 + 1900, 'rate limit exceeded');
  support.end(root, t0 + 2500);
  await support.flush();
  await support.shutdown();

  const billing = tracerFor(url, 'json', { 'service.name': 'billing' });
  const invoice = billing.start(
    'chat gpt-4.1',
    chat('openai', 'gpt-4.1', 9000, 4096, { 'gen_ai.prompt': LONG_PROMPT, 'gen_ai.completion': ESCAPED_RESPONSE, 'gen_ai.response.finish_reasons': ['length'] }),
    t0 + 10_000,
  );
  billing.end(invoice, t0 + 14_000);
  const unpriced = billing.start('chat acme-llm-9', chat('acme', 'acme-llm-9', 50, 5, { 'gen_ai.prompt': 'Translate the invoice to French', 'gen_ai.completion': 'Facture' }), t0 + 20_000);
  billing.end(unpriced, t0 + 20_500);
  await billing.flush();
  await billing.shutdown();
  return { supportTrace: root.spanContext().traceId, invoiceTrace: invoice.spanContext().traceId, sentAt: t0 };
}
