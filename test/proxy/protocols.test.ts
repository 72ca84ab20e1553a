import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { anthropic } from '../../src/proxy/anthropic.js';
import { gemini } from '../../src/proxy/gemini.js';
import { openai } from '../../src/proxy/openai.js';
import type { Answer, Protocol } from '../../src/proxy/protocol.js';
import { AnswerTap, partialBody } from '../../src/proxy/tap.js';

/*
 * The protocol readers, pure: a request's path and body in, what the call needs out; an answer's
 * JSON body or event stream in (through the same tap the proxy uses, a chunk at a time), its
 * model, usage, text and error out.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROTOCOLS: Record<string, Protocol> = { openai, anthropic, gemini };

/** Feeds an answer through the tap in pieces of `chunk` bytes (1: every byte apart). */
async function read(protocol: Protocol, urlPath: string, request: unknown, answer: string | Buffer, contentType: string, opts: { chunk?: number; encoding?: string } = {}) {
  const endpoint = protocol(urlPath, request);
  if (!endpoint) throw new Error(`${urlPath} is not a call`);
  let outputs = 0;
  const tap = new AnswerTap(endpoint, contentType, opts.encoding ?? '', () => outputs++);
  const bytes = Buffer.isBuffer(answer) ? answer : Buffer.from(answer);
  const size = opts.chunk ?? 64;
  for (let i = 0; i < bytes.length; i += size) tap.write(bytes.subarray(i, i + size));
  const { answer: a } = await tap.end();
  return { endpoint, answer: a!, outputs };
}

interface Captured {
  versions: Record<string, string>;
  exchanges: {
    provider: string;
    path: string;
    request: unknown;
    status: number;
    stream: boolean;
    contentType: string;
    answer: string;
    expected: { model: string; tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number } | null; text: string | null };
  }[];
}

const captured = JSON.parse(fs.readFileSync(path.join(HERE, 'captured', 'sdk-exchanges.json'), 'utf8')) as Captured;

describe('what the real SDKs sent (test/proxy/captured/sdk-exchanges.json), read back', () => {
  it.each(captured.exchanges.map((x, i) => [`${i} ${x.provider} ${x.path} ${x.stream ? 'stream' : 'plain'} ${x.status}`, x] as const))('%s', async (_name, x) => {
    // Byte by byte for streams: events split anywhere must read the same.
    const { endpoint, answer, outputs } = await read(PROTOCOLS[x.provider]!, x.path, x.request, x.answer, x.contentType, { chunk: x.stream ? 1 : 64 });
    expect(endpoint.stream).toBe(x.stream);
    if (x.status >= 400) {
      expect(answer.error?.message).toMatch(/rate limit|server had an error/i);
      return;
    }
    const t = x.expected.tokens;
    expect(answer).toMatchObject({ model: x.expected.model, text: x.expected.text, error: null });
    if (t) expect({ input: answer.inputTokens, output: answer.outputTokens ?? 0, cacheRead: answer.cacheReadTokens ?? 0, cacheWrite: answer.cacheWriteTokens ?? 0, reasoning: answer.reasoningTokens ?? 0 }).toEqual(t);
    expect(outputs).toBe(x.stream ? 1 : 0);
  });

  it('reads the prompt each SDK sent', () => {
    const prompts = captured.exchanges.filter((x) => x.status === 200).map((x) => PROTOCOLS[x.provider]!(x.path, x.request)!.prompt);
    expect(prompts).toContain('Say hi to the proxy');
    expect(prompts).toContain('Stream a hello');
    expect(prompts).toContain('Respond in a stream');
    expect(prompts).toContain('one two\nthree');
  });
});

/* Shapes the providers answer with that the fake does not send. */

const sse = (events: unknown[], named = false) => events.map((e) => `${named ? `event: ${(e as { type: string }).type}\n` : ''}data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');

describe('answers beyond the fake', () => {
  it.each<[string, Protocol, string, unknown, string, string, Partial<Answer>]>([
    [
      'OpenAI chat: a tool call, streamed, without usage',
      openai,
      '/v1/chat/completions',
      { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Weather?' }] },
      sse([
        { model: 'gpt-4o-2024-08-06', choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] } }] },
        { model: 'gpt-4o-2024-08-06', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] } }] },
        { model: 'gpt-4o-2024-08-06', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        '[DONE]',
      ]),
      'text/event-stream',
      { model: 'gpt-4o-2024-08-06', text: '[tool call get_weather]', finishReason: 'tool_calls', inputTokens: null, outputTokens: null },
    ],
    [
      'OpenAI-compatible: reasoning streamed apart (DeepSeek), usage at the end',
      openai,
      '/chat/completions',
      { model: 'deepseek-reasoner', stream: true, messages: [] },
      sse([
        { model: 'deepseek-reasoner', choices: [{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: 'Thinking' } }] },
        { model: 'deepseek-reasoner', choices: [{ index: 0, delta: { content: 'Answer' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 25 } } },
        '[DONE]',
      ]),
      'text/event-stream',
      { text: 'Answer', inputTokens: 10, outputTokens: 30, reasoningTokens: 25 },
    ],
    [
      'OpenAI chat: an error in the middle of a stream',
      openai,
      '/v1/chat/completions',
      { model: 'gpt-4o', stream: true },
      sse([{ model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'Par' } }] }, { error: { message: 'The server had an error', type: 'server_error' } }]),
      'text/event-stream',
      { text: 'Par', error: { message: 'The server had an error', type: 'server_error' } },
    ],
    [
      'Responses API: incomplete at max_output_tokens, a function call',
      openai,
      '/v1/responses',
      { model: 'o4-mini', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Plan it' }] }], instructions: 'Be brief' },
      JSON.stringify({ model: 'o4-mini-2025-04-16', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'reasoning', summary: [] }, { type: 'function_call', name: 'plan', arguments: '{}' }], usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: 100, output_tokens_details: { reasoning_tokens: 90 } } }),
      'application/json',
      { model: 'o4-mini-2025-04-16', finishReason: 'max_output_tokens', text: '[tool call plan]', outputTokens: 100, reasoningTokens: 90 },
    ],
    [
      'Responses API: a stream that failed',
      openai,
      '/v1/responses',
      { model: 'gpt-4.1', stream: true, input: 'x' },
      sse([{ type: 'response.created', response: { model: 'gpt-4.1', status: 'in_progress' } }, { type: 'response.failed', response: { model: 'gpt-4.1', status: 'failed', error: { code: 'server_error', message: 'boom' }, usage: null } }], true),
      'text/event-stream',
      { model: 'gpt-4.1', error: { message: 'boom', type: 'server_error' } },
    ],
    [
      'Anthropic: thinking and a tool use, streamed; cache counted into the input',
      anthropic,
      '/v1/messages',
      { model: 'claude-sonnet-4-5', stream: true, system: [{ type: 'text', text: 'You are terse.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }], metadata: { user_id: 'u-42' } },
      sse(
        [
          { type: 'message_start', message: { model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 20, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'The user wants' } },
          { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } },
          { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
          { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 75 } },
          { type: 'message_stop' },
        ],
        true,
      ),
      'text/event-stream',
      { model: 'claude-sonnet-4-5-20250929', inputTokens: 1120, cacheReadTokens: 1000, cacheWriteTokens: 100, outputTokens: 75, finishReason: 'tool_use', text: '[tool call get_weather]' },
    ],
    [
      'Anthropic: overloaded in the middle of a stream',
      anthropic,
      '/v1/messages',
      { model: 'claude-opus-4-1', stream: true },
      sse([{ type: 'message_start', message: { model: 'claude-opus-4-1-20250805', usage: { input_tokens: 5, output_tokens: 1 } } }, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }], true),
      'text/event-stream',
      { inputTokens: 5, error: { message: 'Overloaded', type: 'overloaded_error' } },
    ],
    [
      'Gemini: thoughts and a function call; thoughts are output, not text',
      gemini,
      '/v1beta/models/gemini-2.5-pro:generateContent',
      { systemInstruction: { parts: [{ text: 'Be terse' }] }, contents: [{ role: 'user', parts: [{ text: 'Weather?' }] }] },
      JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'hmm', thought: true }, { functionCall: { name: 'get_weather', args: {} } }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 10, thoughtsTokenCount: 50, toolUsePromptTokenCount: 5, cachedContentTokenCount: 16 }, modelVersion: 'gemini-2.5-pro' }),
      'application/json',
      { model: 'gemini-2.5-pro', inputTokens: 45, outputTokens: 60, reasoningTokens: 50, cacheReadTokens: 16, text: '[tool call get_weather]', finishReason: 'STOP' },
    ],
    [
      'Gemini: streamGenerateContent without alt=sse answers a JSON array',
      gemini,
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      { contents: [{ parts: [{ text: 'hi' }] }] },
      JSON.stringify([
        { candidates: [{ content: { parts: [{ text: 'Hel' }] } }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1 }, modelVersion: 'gemini-2.5-flash' },
        { candidates: [{ content: { parts: [{ text: 'lo' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 }, modelVersion: 'gemini-2.5-flash' },
      ]),
      'application/json',
      { text: 'Hello', inputTokens: 3, outputTokens: 2, finishReason: 'STOP' },
    ],
    [
      'Gemini: an error body',
      gemini,
      '/v1beta/models/gemini-2.5-flash:generateContent',
      {},
      JSON.stringify({ error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } }),
      'application/json',
      { error: { message: 'API key not valid.', type: 'INVALID_ARGUMENT' } },
    ],
  ])('%s', async (_name, protocol, urlPath, request, answer, contentType, expected) => {
    for (const chunk of [1, 7, 4096]) {
      const r = await read(protocol, urlPath, request, answer, contentType, { chunk });
      expect(r.answer).toMatchObject(expected);
    }
  });

  it.each(['gzip', 'deflate', 'br'])('reads an event stream compressed with %s', async (encoding) => {
    const events = sse([{ candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 1 }, modelVersion: 'gemini-2.5-flash' }]);
    const packed = encoding === 'gzip' ? zlib.gzipSync(events) : encoding === 'deflate' ? zlib.deflateSync(events) : zlib.brotliCompressSync(events);
    const r = await read(gemini, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {}, packed, 'text/event-stream', { chunk: 5, encoding });
    expect(r.answer).toMatchObject({ text: 'Hi', inputTokens: 4, outputTokens: 1 });
    expect(r.outputs).toBe(1);
  });

  it('an answer in an encoding it does not know is relayed unread', async () => {
    const endpoint = openai('/v1/chat/completions', {})!;
    const tap = new AnswerTap(endpoint, 'application/json', 'compress', () => {});
    tap.write(Buffer.from('whatever'));
    expect(await tap.end()).toEqual({ answer: null, snippet: null });
  });

  it('an HTML error page from a gateway: its start, for the error message', async () => {
    const endpoint = anthropic('/v1/messages', {})!;
    const tap = new AnswerTap(endpoint, 'text/html', '', () => {});
    tap.write(Buffer.from('<html><body>502 Bad Gateway</body></html>'));
    expect(await tap.end()).toEqual({ answer: null, snippet: '<html><body>502 Bad Gateway</body></html>' });
  });
});

describe('requests that are not calls', () => {
  it.each<[Protocol, string]>([
    [openai, '/v1/models'],
    [openai, '/v1/files'],
    [openai, '/v1/chat/completions/chatcmpl-1/messages'],
    [anthropic, '/v1/messages/count_tokens'],
    [anthropic, '/v1/messages/batches'],
    [anthropic, '/v1/models'],
    [gemini, '/v1beta/models/gemini-2.5-flash:countTokens'],
    [gemini, '/v1beta/models'],
    [gemini, '/upload/v1beta/files'],
  ])('%o %s: relayed, not recorded', (protocol, urlPath) => {
    expect(protocol(urlPath, {})).toBeNull();
  });

  it.each<[Protocol, string, string]>([
    [openai, '/openai/v1/chat/completions?api-version=2024-10-21', 'chat'],
    [openai, '/api/v1/embeddings', 'embeddings'],
    [openai, '/v1/completions', 'text_completion'],
    [anthropic, '/v1/messages?beta=true', 'chat'],
    [gemini, '/v1/models/text-embedding-004:batchEmbedContents', 'embeddings'],
    [gemini, '/v1beta/tunedModels/my-model:generateContent', 'chat'],
  ])('%o %s: a call (%s), whatever a gateway puts before it', (protocol, urlPath, operation) => {
    expect(protocol(urlPath, {})?.operation).toBe(operation);
  });
});

describe('partialBody: what is read of a JSON answer too large to parse whole', () => {
  it.each([
    ['the model from the start, usage from the end', '{"object":"list","model":"text-embedding-3-large","data":[', '0.1,0.2]}],"usage":{"prompt_tokens":12,"total_tokens":12}}', { model: 'text-embedding-3-large', usage: { prompt_tokens: 12, total_tokens: 12 } }],
    ['Gemini names', '{"candidates":[', '],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":3},"modelVersion":"gemini-2.5-flash"}', { modelVersion: 'gemini-2.5-flash', usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3 } }],
    ['a brace inside a string does not end the object', '{"model":"m"', ',"usage":{"note":"a } b","prompt_tokens":5}}', { model: 'm', usage: { note: 'a } b', prompt_tokens: 5 } }],
    ['usage cut off by the tail', '{"model":"m"', '"usage":{"prompt_tokens":5', { model: 'm' }],
    ['"usage" as text, not a key', '{"model":"m"', '"content":"the \\"usage\\" is"}', { model: 'm' }],
  ])('%s', (_name, head, tail, expected) => {
    expect(partialBody(head, tail)).toEqual(expected);
  });
});
