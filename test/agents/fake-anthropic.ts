import { fakeId, pieces, sendJson, sendSse, startFakeProvider, type FakeProvider, type Turns } from './fake-provider.js';

/*
 * A fake Anthropic Messages API for Claude Code: POST /v1/messages as SSE (message_start ...
 * message_stop) when `stream: true`, else one JSON message; POST /v1/messages/count_tokens.
 * Each answer carries a `request-id` header, which Claude Code reports as request_id.
 */

export interface AnthropicUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
}

/** `firstTokenMs`: how long a stream waits after its headers, before message_start, as a model thinks. */
export function startFakeAnthropic(turns: Turns<AnthropicUsage>, opts: { firstTokenMs?: number } = {}): Promise<FakeProvider> {
  let served = 0;
  return startFakeProvider(async (x, body, req, res) => {
    if (req.method === 'POST' && x.path.endsWith('/v1/messages/count_tokens')) {
      x.status = 200;
      sendJson(res, 200, { input_tokens: 10 });
      return;
    }
    if (req.method !== 'POST' || !x.path.endsWith('/v1/messages')) {
      sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `fake: no route ${req.method} ${x.path}` } });
      return;
    }
    const turn = turns(++served, body);
    const usage = { ...turn.usage, service_tier: 'standard' };
    x.status = 200;
    x.stream = body?.stream === true;
    x.answer = { text: turn.text, usage: { ...turn.usage } };
    const id = fakeId('msg_fake');
    const model = body?.model ?? 'fake-model';
    const headers = { 'request-id': fakeId('req_fake') };
    if (!x.stream) {
      sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: turn.text }], stop_reason: 'end_turn', stop_sequence: null, usage }, headers);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    await new Promise((r) => setTimeout(r, opts.firstTokenMs ?? 0));
    sendSse(res, 'message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
    sendSse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const text of pieces(turn.text)) sendSse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    sendSse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
    sendSse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: turn.usage });
    sendSse(res, 'message_stop', { type: 'message_stop' });
    res.end();
  });
}
