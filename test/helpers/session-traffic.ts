import type { Span } from '@opentelemetry/api';
import { loggerFor, tracerFor } from './otel.js';

/*
 * Two known sessions, sent to a real llmtop by the OpenTelemetry JS SDK's own OTLP/protobuf
 * exporters, as the apps would send them:
 *
 * - `trip-42`, service travel-chat: three traces (turns), every span carrying
 *   gen_ai.conversation.id, costs reported on the spans; gpt-4o's window is 128,000 tokens.
 *   1. "Plan a weekend in Turin" (a second line follows): gpt-4o, 32,000 → 500, $0.10 (25%)
 *   2. "Find a train from Lyon": gpt-4o 64,000 → 800, $0.20 (50%), then "Summarize the options":
 *      gpt-4o-mini 1,000 → 100, $0.01 (its window is 128,000 too: <1%)
 *   3. "And a hotel near the station?": gpt-4o 108,800 → 200, $0.30 (85%, in colour)
 *   Totals: 3 turns, 4 calls, 205,800 → 1,600 tokens, $0.61, peak 85%.
 * - `cc-7`, service claude-code: log events shaped as Claude Code 2.1's (user_prompt and
 *   api_request with session.id and prompt.id, no trace), claude-sonnet-4-5 (200,000 tokens):
 *   1. "fix the failing test in cart.test.ts": two requests, input 50 + cache read 40,000 + cache
 *      write 300 (40,350: 20.175%) → 120, $0.05; and 80 + 40,500 (40,580: 20.29%) → 60, $0.03
 *   2. "now run the linter": 30 + 41,000 + 200 (41,230: 20.615%) → 40, $0.02, its last activity
 *      the latest of both sessions
 *   Totals: 2 turns, 3 calls, 122,160 → 220 tokens, $0.10, peak 20.615%.
 * - one more call of travel-chat without a conversation id: in no session.
 */

export const TRIP = 'trip-42';
export const CLAUDE_SESSION = 'cc-7';

export interface SessionTraffic {
  /** When the first turn started. */
  t0: number;
  /** The trace ids of trip-42's turns, in order. */
  tripTraces: string[];
}

const chat = (model: string, input: number, output: number, cost: number, prompt: string, conversation: string | null) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cost': cost,
  'gen_ai.prompt': prompt,
  'gen_ai.completion': 'Here is what I found.',
  ...(conversation === null ? {} : { 'gen_ai.conversation.id': conversation }),
});

export async function sendSessionTraffic(url: string, now = Date.now()): Promise<SessionTraffic> {
  const t0 = now - 170_000;
  const t = tracerFor(url, 'proto', { 'service.name': 'travel-chat' });
  const turn = (at: number, calls: [model: string, input: number, output: number, cost: number, prompt: string][]): Span => {
    const root = t.start('invoke_agent travel-planner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': TRIP }, at);
    let start = at + 100;
    for (const [model, input, output, cost, prompt] of calls) {
      t.end(t.start(`chat ${model}`, chat(model, input, output, cost, prompt, TRIP), start, root), start + 1500);
      start += 2000;
    }
    t.end(root, start);
    return root;
  };
  const roots = [
    turn(t0, [['gpt-4o', 32_000, 500, 0.1, 'Plan a weekend in Turin\nBudget: 300 EUR, two people']]),
    turn(t0 + 60_000, [
      ['gpt-4o', 64_000, 800, 0.2, 'Find a train from Lyon'],
      ['gpt-4o-mini', 1_000, 100, 0.01, 'Summarize the options'],
    ]),
    turn(t0 + 120_000, [['gpt-4o', 108_800, 200, 0.3, 'And a hotel near the station?']]),
  ];
  t.end(t.start('chat gpt-4o-mini', chat('gpt-4o-mini', 10, 5, 0.001, 'ping', null), t0 + 10_000), t0 + 10_400);
  await t.shutdown();

  const cc = loggerFor(url, 'proto', { 'service.name': 'claude-code', 'service.version': '2.1.332' }, 'com.anthropic.claude_code.events');
  let sequence = 0;
  const event = (name: string, at: number, attributes: Record<string, string | number>) =>
    cc.logger.emit({
      body: `claude_code.${name}`,
      timestamp: new Date(at),
      attributes: {
        'session.id': CLAUDE_SESSION,
        'terminal.type': 'xterm-256color',
        'event.name': name,
        'event.timestamp': new Date(at).toISOString(),
        'event.sequence': sequence++,
        ...attributes,
      },
    });
  const request = (end: number, promptId: string, o: { input: number; cacheRead: number; cacheWrite: number; output: number; cost: number; durationMs: number }) =>
    event('api_request', end, {
      'prompt.id': promptId,
      model: 'claude-sonnet-4-5-20250929',
      input_tokens: o.input,
      output_tokens: o.output,
      cache_read_tokens: o.cacheRead,
      cache_creation_tokens: o.cacheWrite,
      cost_usd: o.cost,
      duration_ms: o.durationMs,
      request_id: `req_${sequence}`,
    });
  event('user_prompt', t0 + 30_000, { 'prompt.id': 'p-1', prompt_length: '36', prompt: 'fix the failing test in cart.test.ts' });
  request(t0 + 35_000, 'p-1', { input: 50, cacheRead: 40_000, cacheWrite: 300, output: 120, cost: 0.05, durationMs: 4000 });
  request(t0 + 42_000, 'p-1', { input: 80, cacheRead: 40_500, cacheWrite: 0, output: 60, cost: 0.03, durationMs: 3000 });
  event('user_prompt', t0 + 150_000, { 'prompt.id': 'p-2', prompt_length: '18', prompt: 'now run the linter' });
  request(t0 + 155_000, 'p-2', { input: 30, cacheRead: 41_000, cacheWrite: 200, output: 40, cost: 0.02, durationMs: 2000 });
  await cc.shutdown();
  return { t0, tripTraces: roots.map((r) => r.spanContext().traceId) };
}
