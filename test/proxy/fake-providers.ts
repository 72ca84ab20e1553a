import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/*
 * A fake of the three provider APIs the proxy relays, on loopback, over HTTP or HTTPS: OpenAI
 * (/v1/chat/completions, /v1/responses, /v1/embeddings), Anthropic (/v1/messages) and Gemini
 * (/{version}/models/M:generateContent, :streamGenerateContent?alt=sse), plain and streamed, in the
 * shapes the real APIs answer with (usage with cache and reasoning counts included).
 *
 * - Each request must carry the provider's key (Authorization: Bearer, or Anthropic's x-api-key,
 *   or Gemini's x-goog-api-key, equal to `key`), else 401 in the provider's error shape.
 * - A model named `...-fail-429` or `...-fail-500` gets that status with the provider's error
 *   body and `x-should-retry: false`, so that the SDKs do not retry it.
 * - A stream's first event comes after `firstChunkDelayMs`, the others `chunkDelayMs` apart.
 *
 * Every exchange is recorded with the exact bytes sent back, for byte-for-byte comparisons.
 */

export interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

export interface FakeExchange {
  provider: 'openai' | 'anthropic' | 'gemini';
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The request body as received. */
  requestBody: string;
  status: number;
  stream: boolean;
  model: string;
  /** What llmtop should count (input with cached tokens, output with reasoning), or null for an error. */
  tokens: Tokens | null;
  /** The answer's text, as the app reads it. */
  text: string | null;
  /** Every byte of the body sent back. */
  responseBody: Buffer;
}

export interface FakeProviders {
  url: string;
  exchanges: FakeExchange[];
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  key: string;
  tls?: { key: string; cert: string };
  firstChunkDelayMs?: number;
  chunkDelayMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

export async function startFakeProviders(o: FakeProviderOptions): Promise<FakeProviders> {
  const firstDelay = o.firstChunkDelayMs ?? 300;
  const chunkDelay = o.chunkDelayMs ?? 10;
  const exchanges: FakeExchange[] = [];
  let seq = 0;

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const sent: Buffer[] = [];
      const write = (b: string | Buffer) => {
        const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
        sent.push(buf);
        res.write(buf);
      };
      const record = (x: Omit<FakeExchange, 'headers' | 'requestBody' | 'path' | 'responseBody'>) => {
        const ex: FakeExchange = { ...x, path, headers: req.headers, requestBody, responseBody: Buffer.alloc(0) };
        exchanges.push(ex);
        res.on('finish', () => (ex.responseBody = Buffer.concat(sent)));
        return ex;
      };
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-request-id': `req_${++seq}`, ...headers });
        write(text);
        res.end();
      };
      const startEvents = () => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_${++seq}` });
        res.flushHeaders();
      };
      void (async () => {
        let body: any;
        try {
          body = JSON.parse(requestBody);
        } catch {
          return json(400, { error: { message: 'bad json' } });
        }
        const provider = /\/models\/[^/]+:/.test(path) ? 'gemini' : path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
        const keyOk =
          provider === 'gemini' ? req.headers['x-goog-api-key'] === o.key : req.headers.authorization === `Bearer ${o.key}` || (provider === 'anthropic' && req.headers['x-api-key'] === o.key);
        const model = provider === 'gemini' ? decodeURIComponent(/models\/([^:]+):/.exec(path)?.[1] ?? '') : String(body.model ?? '');
        const stream = provider === 'gemini' ? path.includes(':streamGenerateContent') : body.stream === true;
        const fail = /-fail-(\d{3})$/.exec(model);
        if (!keyOk || fail) {
          const status = keyOk ? Number(fail![1]) : 401;
          record({ provider, status, stream, model, tokens: null, text: null });
          const message = status === 401 ? 'invalid api key' : status === 429 ? 'Rate limit reached, slow down' : 'The server had an error while processing your request';
          const err =
            provider === 'anthropic'
              ? { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : 'api_error', message } }
              : provider === 'gemini'
                ? { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL' } }
                : { error: { message, type: status === 429 ? 'requests' : 'server_error', param: null, code: status === 429 ? 'rate_limit_exceeded' : null } };
          return json(status, err, { 'x-should-retry': 'false', ...(status === 429 ? { 'retry-after': '1' } : {}) });
        }
        if (provider === 'openai' && path === '/v1/chat/completions') return openaiChat(body, model, stream);
        if (provider === 'openai' && path === '/v1/responses') return openaiResponses(body, model, stream);
        if (provider === 'openai' && path === '/v1/embeddings') return openaiEmbeddings(body, model);
        if (provider === 'anthropic' && path === '/v1/messages') return anthropicMessages(body, model, stream);
        if (provider === 'gemini') return geminiContent(body, model, stream);
        return json(404, { error: { message: `no route ${path}` } });

        async function openaiChat(b: any, m: string, s: boolean) {
          const last = [...(b.messages ?? [])].reverse().find((x: any) => x.role === 'user');
          const text = `Echo: ${typeof last?.content === 'string' ? last.content : ''}`;
          const prompt = (b.messages ?? []).reduce((n: number, x: any) => n + 10 + words(String(x.content ?? '')), 0);
          const tokens: Tokens = { input: prompt, output: words(text) + 2, cacheRead: 4, cacheWrite: 0, reasoning: 2 };
          const usage = { prompt_tokens: tokens.input, completion_tokens: tokens.output, total_tokens: tokens.input + tokens.output, prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 2, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } };
          const withUsage = !s || b.stream_options?.include_usage === true;
          record({ provider: 'openai', status: 200, stream: s, model: `${m}-2024-07-18`, tokens: withUsage ? tokens : null, text });
          const base = { id: `chatcmpl-${seq}`, created: 1_767_000_000, model: `${m}-2024-07-18`, system_fingerprint: 'fp_fake', service_tier: 'default' };
          if (!s) {
            await sleep(20);
            return json(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }], usage });
          }
          startEvents();
          await sleep(firstDelay);
          const chunk = (choices: unknown[], extra: object = {}) => write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`);
          chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]);
          for (const piece of text.match(/\S+\s*/g) ?? []) {
            chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]);
            await sleep(chunkDelay);
          }
          chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
          if (withUsage) chunk([], { usage });
          write('data: [DONE]\n\n');
          res.end();
        }

        async function openaiResponses(b: any, m: string, s: boolean) {
          const input = typeof b.input === 'string' ? b.input : '';
          const text = `Echo: ${input}`;
          const tokens: Tokens = { input: 10 + words(input), output: words(text) + 3, cacheRead: 2, cacheWrite: 0, reasoning: 3 };
          const usage = { input_tokens: tokens.input, input_tokens_details: { cached_tokens: 2 }, output_tokens: tokens.output, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: tokens.input + tokens.output };
          record({ provider: 'openai', status: 200, stream: s, model: `${m}-2024-07-18`, tokens, text });
          const output = [{ id: `msg_${seq}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }];
          const response = (status: string, out: unknown[], u: unknown) => ({ id: `resp_${seq}`, object: 'response', created_at: 1_767_000_000, status, error: null, incomplete_details: null, model: `${m}-2024-07-18`, output: out, usage: u });
          if (!s) {
            await sleep(20);
            return json(200, response('completed', output, usage));
          }
          startEvents();
          await sleep(firstDelay);
          let n = 0;
          const event = (data: any) => write(`event: ${data.type}\ndata: ${JSON.stringify({ ...data, sequence_number: n++ })}\n\n`);
          event({ type: 'response.created', response: response('in_progress', [], null) });
          for (const piece of text.match(/\S+\s*/g) ?? []) {
            event({ type: 'response.output_text.delta', item_id: `msg_${seq}`, output_index: 0, content_index: 0, delta: piece });
            await sleep(chunkDelay);
          }
          event({ type: 'response.completed', response: response('completed', output, usage) });
          res.end();
        }

        async function openaiEmbeddings(b: any, m: string) {
          const inputs: string[] = Array.isArray(b.input) ? b.input : [b.input];
          const tokens: Tokens = { input: inputs.reduce((n, s) => n + words(s), 0), output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
          record({ provider: 'openai', status: 200, stream: false, model: m, tokens, text: null });
          const v = Buffer.from(new Float32Array([0.5, -0.25, 0.125, 1]).buffer).toString('base64');
          return json(200, { object: 'list', data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: b.encoding_format === 'base64' ? v : [0.5, -0.25, 0.125, 1] })), model: m, usage: { prompt_tokens: tokens.input, total_tokens: tokens.input } });
        }

        async function anthropicMessages(b: any, m: string, s: boolean) {
          const last = [...(b.messages ?? [])].reverse().find((x: any) => x.role === 'user');
          const text = `Echo: ${typeof last?.content === 'string' ? last.content : ''}`;
          const raw = { input: 12 + words(String(last?.content ?? '')), cacheRead: 8, cacheWrite: 3, output: words(text) };
          const tokens: Tokens = { input: raw.input + raw.cacheRead + raw.cacheWrite, output: raw.output, cacheRead: raw.cacheRead, cacheWrite: raw.cacheWrite, reasoning: 0 };
          record({ provider: 'anthropic', status: 200, stream: s, model: `${m}-20251001`, tokens, text });
          const usage = (output: number) => ({ input_tokens: raw.input, cache_creation_input_tokens: raw.cacheWrite, cache_read_input_tokens: raw.cacheRead, cache_creation: { ephemeral_5m_input_tokens: raw.cacheWrite, ephemeral_1h_input_tokens: 0 }, output_tokens: output, service_tier: 'standard' });
          const message = { id: `msg_${seq}`, type: 'message', role: 'assistant', model: `${m}-20251001` };
          if (!s) {
            await sleep(20);
            return json(200, { ...message, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: usage(raw.output) });
          }
          startEvents();
          await sleep(firstDelay);
          const event = (type: string, data: object) => write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
          event('message_start', { message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: usage(1) } });
          event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
          event('ping', {});
          for (const piece of text.match(/\S+\s*/g) ?? []) {
            event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
            await sleep(chunkDelay);
          }
          event('content_block_stop', { index: 0 });
          event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: raw.input, cache_creation_input_tokens: raw.cacheWrite, cache_read_input_tokens: raw.cacheRead, output_tokens: raw.output } });
          event('message_stop', {});
          res.end();
        }

        async function geminiContent(b: any, m: string, s: boolean) {
          const parts = (b.contents ?? []).flatMap((c: any) => c.parts ?? []);
          const input = parts.map((p: any) => p.text ?? '').join(' ');
          const text = `Echo: ${input}`;
          const pieces = text.match(/\S+\s*/g) ?? [];
          const prompt = 6 + words(input);
          const thoughts = 7;
          const tokens: Tokens = { input: prompt, output: words(text) + thoughts, cacheRead: 5, cacheWrite: 0, reasoning: thoughts };
          record({ provider: 'gemini', status: 200, stream: s, model: m, tokens, text });
          const usage = (candidates: number) => ({ promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates + thoughts, cachedContentTokenCount: 5, promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }], thoughtsTokenCount: thoughts });
          const chunk = (t: string, last: boolean, candidates: number) => ({
            candidates: [{ content: { parts: [{ text: t }], role: 'model' }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
            usageMetadata: usage(candidates),
            modelVersion: m,
            responseId: `resp-${seq}`,
          });
          if (!s) {
            await sleep(20);
            return json(200, chunk(text, true, words(text)));
          }
          startEvents();
          await sleep(firstDelay);
          for (let i = 0; i < pieces.length; i++) {
            write(`data: ${JSON.stringify(chunk(pieces[i]!, i === pieces.length - 1, words(pieces.slice(0, i + 1).join(''))))}\r\n\r\n`);
            await sleep(chunkDelay);
          }
          res.end();
        }
      })().catch((e) => {
        if (!res.headersSent) res.writeHead(500).end(String(e));
        else res.destroy();
      });
    });
  };

  const server = o.tls ? https.createServer({ key: o.tls.key, cert: o.tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
