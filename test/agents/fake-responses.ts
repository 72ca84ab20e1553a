import { fakeId, pieces, sendJson, sendSse, startFakeProvider, type FakeProvider, type Turns } from './fake-provider.js';

/*
 * A fake OpenAI Responses API for Codex: POST /v1/responses, as SSE events (response.created
 * ... response.completed with usage) when the body says `stream: true`, else one JSON response.
 * Anything else, such as Codex's POST /v1/analytics/codex/turn-costs, is recorded and answered
 * 404 (Codex carries on). The message item carries `phase: "final_answer"`, as the newer
 * models' do: Codex logs its codex.agent_response only for such an item.
 */

export interface ResponsesUsage {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

/** `firstTokenMs`: how long the stream waits before the first text delta, as a model thinks. */
export function startFakeResponses(turns: Turns<ResponsesUsage>, opts: { firstTokenMs?: number } = {}): Promise<FakeProvider> {
  let served = 0;
  return startFakeProvider(async (x, body, req, res) => {
    if (req.method !== 'POST' || !x.path.endsWith('/responses')) {
      sendJson(res, 404, { error: { message: `fake: no route ${req.method} ${x.path}`, type: 'not_found' } });
      return;
    }
    const turn = turns(++served, body);
    const u = turn.usage;
    const usage = {
      input_tokens: u.input_tokens,
      input_tokens_details: { cached_tokens: u.cached_tokens },
      output_tokens: u.output_tokens,
      output_tokens_details: { reasoning_tokens: u.reasoning_tokens },
      total_tokens: u.input_tokens + u.output_tokens,
    };
    x.status = 200;
    x.stream = body?.stream === true;
    x.answer = { text: turn.text, usage: { ...u } };

    const msgId = fakeId('msg_');
    const item = { id: msgId, type: 'message', status: 'completed', role: 'assistant', phase: 'final_answer', content: [{ type: 'output_text', text: turn.text, annotations: [] }] };
    const base = {
      id: fakeId('resp_'),
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      model: body?.model ?? 'fake-model',
      output: [] as unknown[],
      usage: null as unknown,
      error: null,
      incomplete_details: null,
      instructions: null,
      metadata: {},
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [],
    };
    const final = { ...base, status: 'completed', output: [item], usage };
    const headers = { 'x-request-id': fakeId('req_') };
    if (!x.stream) {
      sendJson(res, 200, final, headers);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    let sequence = 0;
    const event = (type: string, data: Record<string, unknown>) => sendSse(res, type, { type, sequence_number: sequence++, ...data });
    event('response.created', { response: { ...base, status: 'in_progress' } });
    event('response.in_progress', { response: { ...base, status: 'in_progress' } });
    event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    event('response.content_part.added', { item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    await new Promise((r) => setTimeout(r, opts.firstTokenMs ?? 0));
    for (const delta of pieces(turn.text)) event('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta, logprobs: [] });
    event('response.output_text.done', { item_id: msgId, output_index: 0, content_index: 0, text: turn.text, logprobs: [] });
    event('response.content_part.done', { item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: turn.text, annotations: [] } });
    event('response.output_item.done', { output_index: 0, item });
    event('response.completed', { response: final });
    res.end();
  });
}
