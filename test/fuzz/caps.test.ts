import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLlmtop } from '../helpers/llmtop.js';
import { rawRequest } from '../helpers/otlp-payloads.js';
import { encodeProto, spanJson } from './kit.js';

/*
 * Sizes on the way into the store, through a real llmtop: a 5 MB prompt (and response) is kept
 * as at most 64 KiB characters plus the truncation marker, and a span with 100,000 attributes is
 * answered and stored in bounded time (the tests' own timeouts are the bound).
 */

const CAP = 64 * 1024; // MAX_TEXT_CHARS in src/normalize/limits.ts
const MARKER = /… \[(\d+) more characters not kept\]$/;

let app: Awaited<ReturnType<typeof startTestLlmtop>>;

beforeAll(async () => {
  app = await startTestLlmtop();
});
afterAll(async () => {
  await app?.close();
});

interface ApiCall {
  spanId: string;
  model: string;
  prompt: string | null;
  response: string | null;
  inputTokens: number;
}

async function callsOf(model: string): Promise<ApiCall[]> {
  const res = await fetch(`${app.url}/api/v1/calls?limit=100&model=${encodeURIComponent(model)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { calls: ApiCall[] }).calls;
}

function modelSpan(model: string, spanId: string, attrs: { key: string; value: unknown }[]): Record<string, unknown> {
  const json = spanJson(attrs, {}, spanId);
  // The kit's span names gpt-4o-mini: give each test its own model to find its call by.
  const span = (json.resourceSpans as { scopeSpans: { spans: { attributes: { key: string; value: unknown }[] }[] }[] }[])[0]!.scopeSpans[0]!.spans[0]!;
  span.attributes = span.attributes.map((a) => (a.key === 'gen_ai.request.model' ? { key: a.key, value: { stringValue: model } } : a));
  return json;
}

async function post(enc: 'json' | 'proto', json: Record<string, unknown>) {
  return enc === 'json'
    ? rawRequest(app.url, { path: '/v1/traces', headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(json)) })
    : rawRequest(app.url, { path: '/v1/traces', headers: { 'Content-Type': 'application/x-protobuf' }, body: encodeProto('traces', json) });
}

function expectCapped(text: string | null, original: string): void {
  expect(text).not.toBeNull();
  const m = MARKER.exec(text!);
  expect(m, 'the truncation marker').not.toBeNull();
  const kept = text!.slice(0, m!.index);
  expect(kept.length).toBeLessThanOrEqual(CAP);
  expect(kept).toBe(original.slice(0, kept.length));
  expect(Number(m![1])).toBe(original.length - kept.length);
}

describe('text caps', () => {
  it.each(['json', 'proto'] as const)('%s: a 5 MB prompt and a 5 MB response are stored as 64 KiB plus the marker', async (enc) => {
    const prompt = 'p'.repeat(5 * 1024 * 1024 - 7) + 'the end';
    const response = '😀'.repeat(2.5 * 1024 * 1024); // surrogate pairs; 64 KiB is even, so the cut falls between two
    const model = `cap-model-${enc}`;
    const res = await post(enc, modelSpan(model, enc === 'json' ? '1111111111111111' : '2222222222222222', [
      { key: 'gen_ai.prompt', value: { stringValue: prompt } },
      { key: 'gen_ai.completion', value: { stringValue: response } },
    ]));
    expect(res.status, res.body.toString('utf8', 0, 300)).toBe(200);
    const [call] = await callsOf(model);
    expect(call).toBeDefined();
    expectCapped(call!.prompt, prompt);
    expectCapped(call!.response, response);
  }, 20_000);

  it('a prompt of messages whose JSON text is 5 MB is capped the same', async () => {
    const messages = Array.from({ length: 5000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${i}:${'m'.repeat(1000)}` }));
    const res = await post('json', modelSpan('cap-model-messages', '3333333333333333', [{ key: 'gen_ai.input.messages', value: { stringValue: JSON.stringify(messages) } }]));
    expect(res.status).toBe(200);
    const [call] = await callsOf('cap-model-messages');
    expect(call!.prompt).toMatch(MARKER);
    expect(call!.prompt!.length).toBeLessThanOrEqual(CAP + 50);
    expect(call!.prompt!.startsWith('user: 0:mmm')).toBe(true);
  }, 20_000);
});

describe('attribute counts', () => {
  it.each(['json', 'proto'] as const)('%s: a span with 100,000 attributes is answered 200 and stored', async (enc) => {
    const attrs = Array.from({ length: 100_000 }, (_, i) => ({
      key: i % 4 === 0 ? `gen_ai.prompt.${i / 4}.content` : i % 4 === 1 ? `gen_ai.prompt.${(i - 1) / 4}.role` : `attr.${i}`,
      value: i % 4 === 1 ? { stringValue: 'user' } : { stringValue: `value ${i}` },
    }));
    const model = `many-attrs-${enc}`;
    const res = await post(enc, modelSpan(model, enc === 'json' ? '4444444444444444' : '5555555555555555', attrs));
    expect(res.status, res.body.toString('utf8', 0, 300)).toBe(200);
    const [call] = await callsOf(model);
    expect(call).toBeDefined();
    expect(call!.inputTokens).toBe(10);
    // Indexed prompts are read up to 1,000 messages: bounded however many are sent.
    expect(call!.prompt!.length).toBeLessThanOrEqual(CAP + 50);
  }, 20_000);

  it('50,000 attributes on each of the resource, the span, an event, and as one kvlist value', async () => {
    const many = (prefix: string) => Array.from({ length: 50_000 }, (_, i) => ({ key: `${prefix}.${i}`, value: { intValue: String(i) } }));
    const json = modelSpan('many-attrs-everywhere', '6666666666666666', [...many('span'), { key: 'kv', value: { kvlistValue: { values: many('kv') } } }]);
    const rs = (json.resourceSpans as { resource: { attributes: unknown[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[])[0]!;
    rs.resource.attributes.push(...many('resource'));
    rs.scopeSpans[0]!.spans[0]!.events = [{ name: 'gen_ai.content.prompt', timeUnixNano: '1', attributes: many('event') }];
    const res = await post('proto', json);
    expect(res.status, res.body.toString('utf8', 0, 300)).toBe(200);
    expect(await callsOf('many-attrs-everywhere')).toHaveLength(1);
  }, 20_000);

  it('the server is still healthy', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
