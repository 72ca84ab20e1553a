import http from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A fake OpenAI-compatible provider on loopback, standing in for the API while a real SDK
 * and its real instrumentation run against it.
 *
 * - POST /v1/chat/completions: plain JSON with `usage`; with `stream: true`, SSE chunks after a
 *   delay before the first one, and a last usage-only chunk when
 *   `stream_options.include_usage` is set. When the request offers tools and holds no tool
 *   result yet, the answer is a call of the first tool (the first step of a tool loop).
 * - POST /v1/responses: the Responses API, plain JSON or its SSE events (`response.created` ...
 *   `response.completed` with usage), the first one after the same delay; tools as above.
 * - POST /v1/embeddings: one vector per input, as floats or base64 (the `openai` client asks
 *   for base64 by default).
 *
 * - A model whose name starts with `nonexistent`: 404 `model_not_found`, as OpenAI answers.
 *
 * Token counts are deterministic and recorded with every exchange, so that tests can check
 * llmtop's numbers against what the provider really answered.
 */

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface Exchange {
  path: string;
  /** The request body as the SDK sent it. */
  body: any;
  stream: boolean;
  /** The model name the provider answered with (`model` of the response). */
  responseModel: string;
  /** The assistant text, or null for a tool call or an embedding. */
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  usage: Usage;
  /** Whether the usage was sent (always for plain answers; for streams only when asked). */
  usageSent: boolean;
  /** The HTTP status answered; 404 for a model whose name starts with `nonexistent`. */
  status: number;
}

export interface FakeOpenAI {
  url: string;
  /** `${url}/v1`, the baseURL for SDKs. */
  baseURL: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Delay before the first SSE chunk, in ms. */
  firstChunkDelayMs?: number;
  /** Delay between later SSE chunks, in ms. */
  chunkDelayMs?: number;
  /** Delay before a plain (non-streamed) answer, in ms. */
  plainDelayMs?: number;
}

/** The provider dates its model names, as OpenAI does. */
export function datedModel(model: string): string {
  return /-\d{4}-\d{2}-\d{2}$/.test(model) ? model : `${model}-2024-07-18`;
}

export const WEATHER = 'Sunny, 21 degrees';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as any).text === 'string' ? (p as any).text : ''))
      .join('');
  }
  return '';
}

/** Deterministic counts: 10 per message plus one per word of text; one per word of the answer. */
function promptTokens(messages: any[]): number {
  return messages.reduce((n, m) => n + 10 + textOf(m?.content).split(/\s+/).filter(Boolean).length, 0);
}

function words(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAI(opts: FakeOptions = {}): Promise<FakeOpenAI> {
  const firstChunkDelayMs = opts.firstChunkDelayMs ?? 300;
  const chunkDelayMs = opts.chunkDelayMs ?? 15;
  const plainDelayMs = opts.plainDelayMs ?? 50;
  const exchanges: Exchange[] = [];
  let seq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let body: any;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'bad json' } }));
          return;
        }
        const path = (req.url ?? '').split('?')[0]!;
        if (typeof body?.model === 'string' && body.model.startsWith('nonexistent')) {
          // What OpenAI answers for an unknown model (not retried by clients).
          exchanges.push({ path, body, stream: body.stream === true, responseModel: body.model, content: null, toolCalls: [], usage: { promptTokens: 0, completionTokens: 0 }, usageSent: false, status: 404 });
          const error = { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' };
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
          return;
        }
        if (req.method === 'POST' && path === '/v1/chat/completions') await chat(body, res);
        else if (req.method === 'POST' && path === '/v1/embeddings') await embeddings(body, res);
        else if (req.method === 'POST' && path === '/v1/responses') await responses(body, res);
        else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${path}` } }));
      })().catch((e) => {
        if (!res.headersSent) res.writeHead(500).end(String(e));
        else res.destroy();
      });
    });
  });

  async function chat(body: any, res: http.ServerResponse): Promise<void> {
    const id = `chatcmpl-fake${++seq}`;
    const created = Math.floor(Date.now() / 1000);
    const model = datedModel(String(body.model));
    const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
    const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
    const hasToolResult = messages.some((m) => m?.role === 'tool');
    const lastUser = [...messages].reverse().find((m) => m?.role === 'user');

    let content: string | null = null;
    const toolCalls: Exchange['toolCalls'] = [];
    if (tools.length > 0 && !hasToolResult) {
      const name = String(tools[0]?.function?.name ?? 'tool');
      toolCalls.push({ id: `call_fake${seq}`, name, arguments: JSON.stringify({ city: 'Paris' }) });
    } else if (hasToolResult) {
      const result = textOf([...messages].reverse().find((m) => m?.role === 'tool')?.content);
      content = `The weather in Paris: ${result}.`;
    } else {
      content = `Echo: ${textOf(lastUser?.content)}`;
    }
    const usage: Usage = { promptTokens: promptTokens(messages), completionTokens: content !== null ? words(content) : 9 };
    const stream = body.stream === true;
    const usageSent = !stream || body.stream_options?.include_usage === true;
    exchanges.push({ path: '/v1/chat/completions', body, stream, responseModel: model, content, toolCalls, usage, usageSent, status: 200 });
    const usageJson = { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens };
    const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';

    if (!stream) {
      await sleep(plainDelayMs);
      const message: any = { role: 'assistant', content, refusal: null };
      if (toolCalls.length > 0) message.tool_calls = toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
      send(res, {
        id,
        object: 'chat.completion',
        created,
        model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage: usageJson,
      });
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake' };
    const sse = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    await sleep(firstChunkDelayMs);
    if (toolCalls.length > 0) {
      const t = toolCalls[0]!;
      sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, logprobs: null, finish_reason: null }] });
      await sleep(chunkDelayMs);
      sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: t.arguments } }] }, logprobs: null, finish_reason: null }] });
    } else {
      sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] });
      const pieces = content!.match(/\S+\s*/g) ?? [];
      for (const p of pieces) {
        await sleep(chunkDelayMs);
        sse({ ...base, choices: [{ index: 0, delta: { content: p }, logprobs: null, finish_reason: null }] });
      }
    }
    await sleep(chunkDelayMs);
    sse({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }] });
    if (usageSent) sse({ ...base, choices: [], usage: usageJson });
    res.write('data: [DONE]\n\n');
    res.end();
  }

  /** The Responses API (what `openai(id)` of the AI SDK and `client.responses.create` use). */
  async function responses(body: any, res: http.ServerResponse): Promise<void> {
    const n = ++seq;
    const id = `resp_fake${n}`;
    const createdAt = Math.floor(Date.now() / 1000);
    const model = datedModel(String(body.model));
    const items: any[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input : [];
    const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
    const toolOutput = [...items].reverse().find((i) => i?.type === 'function_call_output');
    const lastUser = [...items].reverse().find((i) => i?.role === 'user');
    const userText = typeof lastUser?.content === 'string' ? lastUser.content : textOf(lastUser?.content);

    let content: string | null = null;
    const toolCalls: Exchange['toolCalls'] = [];
    if (tools.length > 0 && !toolOutput) {
      toolCalls.push({ id: `call_fake${n}`, name: String(tools[0]?.name ?? 'tool'), arguments: JSON.stringify({ city: 'Paris' }) });
    } else if (toolOutput) {
      const out = typeof toolOutput.output === 'string' ? toolOutput.output : JSON.stringify(toolOutput.output);
      content = `The weather in Paris: ${out.replace(/^"|"$/g, '')}.`;
    } else {
      content = `Echo: ${userText}`;
    }
    const promptItems = [...(body.instructions ? [{ content: String(body.instructions) }] : []), ...items];
    const usage: Usage = {
      promptTokens: promptItems.reduce((k, i) => k + 10 + (typeof i?.content === 'string' ? i.content : textOf(i?.content) || String(i?.output ?? '')).split(/\s+/).filter(Boolean).length, 0),
      completionTokens: content !== null ? words(content) : 9,
    };
    const stream = body.stream === true;
    exchanges.push({ path: '/v1/responses', body, stream, responseModel: model, content, toolCalls, usage, usageSent: true, status: 200 });
    const usageJson = {
      input_tokens: usage.promptTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.completionTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.promptTokens + usage.completionTokens,
    };
    const msgId = `msg_fake${n}`;
    const output: any[] =
      toolCalls.length > 0
        ? toolCalls.map((t) => ({ type: 'function_call', id: `fc_fake${n}`, call_id: t.id, name: t.name, arguments: t.arguments, status: 'completed' }))
        : [{ type: 'message', id: msgId, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: content, annotations: [], logprobs: [] }] }];
    const response = (status: string, out: any[], u: unknown) => ({
      id,
      object: 'response',
      created_at: createdAt,
      status,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      max_output_tokens: null,
      model,
      output: out,
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: 'default',
      store: true,
      temperature: 1,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools,
      top_p: 1,
      truncation: 'disabled',
      usage: u,
      user: null,
      metadata: {},
    });

    if (!stream) {
      await sleep(plainDelayMs);
      send(res, response('completed', output, usageJson));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    let sequence = 0;
    const event = (data: any) => res.write(`event: ${data.type}\ndata: ${JSON.stringify({ ...data, sequence_number: sequence++ })}\n\n`);
    await sleep(firstChunkDelayMs);
    event({ type: 'response.created', response: response('in_progress', [], null) });
    event({ type: 'response.in_progress', response: response('in_progress', [], null) });
    if (toolCalls.length > 0) {
      const item = output[0];
      event({ type: 'response.output_item.added', output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } });
      await sleep(chunkDelayMs);
      event({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: 0, delta: item.arguments });
      event({ type: 'response.function_call_arguments.done', item_id: item.id, output_index: 0, arguments: item.arguments });
      event({ type: 'response.output_item.done', output_index: 0, item });
    } else {
      event({ type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: msgId, status: 'in_progress', role: 'assistant', content: [] } });
      event({ type: 'response.content_part.added', item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
      for (const p of content!.match(/\S+\s*/g) ?? []) {
        await sleep(chunkDelayMs);
        event({ type: 'response.output_text.delta', item_id: msgId, output_index: 0, content_index: 0, delta: p, logprobs: [] });
      }
      event({ type: 'response.output_text.done', item_id: msgId, output_index: 0, content_index: 0, text: content, logprobs: [] });
      event({ type: 'response.content_part.done', item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: content, annotations: [], logprobs: [] } });
      event({ type: 'response.output_item.done', output_index: 0, item: output[0] });
    }
    await sleep(chunkDelayMs);
    event({ type: 'response.completed', response: response('completed', output, usageJson) });
    res.end();
  }

  async function embeddings(body: any, res: http.ServerResponse): Promise<void> {
    const inputs: string[] = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
    const model = String(body.model);
    const usage: Usage = { promptTokens: inputs.reduce((n, s) => n + words(s), 0), completionTokens: 0 };
    exchanges.push({ path: '/v1/embeddings', body, stream: false, responseModel: model, content: null, toolCalls: [], usage, usageSent: true, status: 200 });
    await sleep(plainDelayMs);
    const base64 = body.encoding_format === 'base64';
    send(res, {
      object: 'list',
      model,
      data: inputs.map((s, index) => {
        const v = new Float32Array([s.length / 100, 0.5, -0.25, 0.125]);
        return { object: 'embedding', index, embedding: base64 ? Buffer.from(v.buffer).toString('base64') : Array.from(v) };
      }),
      usage: { prompt_tokens: usage.promptTokens, total_tokens: usage.promptTokens },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, data: unknown): void {
  const body = JSON.stringify(data);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
